// Frontend operations over the Google Meet domain, compiled by relay-compiler in
// tests/e2e/test_relay_compiler.py (never run: only the documents matter).

// Query.conferenceRecords
export const recordsQuery = graphql`
  query MeetRecordsQuery($count: Int!, $cursor: String, $filter: ConferenceRecordFilter) {
    ...MeetRecords_query @arguments(count: $count, cursor: $cursor, filter: $filter)
  }
`;

export const records = graphql`
  fragment MeetRecords_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "ConferenceRecordFilter" }
  )
  @refetchable(queryName: "MeetRecordsPaginationQuery") {
    conferenceRecords(first: $count, after: $cursor, filter: $filter)
      @connection(key: "MeetRecords_conferenceRecords", filters: ["filter"]) {
      totalCount
      edges {
        cursor
        node {
          id
          name
          startTime
          endTime
          isLive
          space {
            meetingCode
          }
          ...MeetRecordDetail_record
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// ConferenceRecord.participants, .recordings and .transcripts: one @connection per
// @refetchable fragment, each refetched through `node`.
export const recordDetail = graphql`
  fragment MeetRecordDetail_record on ConferenceRecord
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    live: { type: "Boolean" }
  )
  @refetchable(queryName: "MeetRecordParticipantsPaginationQuery") {
    id
    name
    participants(first: $count, after: $cursor, filter: { live: $live })
      @connection(key: "MeetRecordDetail_participants", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          ...MeetParticipant_participant
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    ...MeetRecordings_record
    ...MeetTranscripts_record
  }
`;

export const recordings = graphql`
  fragment MeetRecordings_record on ConferenceRecord
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" })
  @refetchable(queryName: "MeetRecordingsPaginationQuery") {
    id
    recordings(first: $count, after: $cursor) @connection(key: "MeetRecordings_recordings") {
      edges {
        node {
          id
          name
          state
          startTime
          endTime
          driveDestination {
            file
            exportUri
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const transcripts = graphql`
  fragment MeetTranscripts_record on ConferenceRecord
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" })
  @refetchable(queryName: "MeetTranscriptsPaginationQuery") {
    id
    transcripts(first: $count, after: $cursor) @connection(key: "MeetTranscripts_transcripts") {
      edges {
        node {
          id
          ...MeetTranscript_transcript
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// Participant.sessions
export const participant = graphql`
  fragment MeetParticipant_participant on Participant
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" })
  @refetchable(queryName: "MeetParticipantSessionsPaginationQuery") {
    id
    displayName
    user {
      __typename
      ... on SignedinUser {
        user
        displayName
      }
      ... on AnonymousUser {
        displayName
      }
      ... on PhoneUser {
        displayName
      }
    }
    sessions(first: $count, after: $cursor) @connection(key: "MeetParticipant_sessions") {
      edges {
        node {
          id
          joinTime
          leaveTime
          durationSeconds
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// Transcript.entries
export const transcript = graphql`
  fragment MeetTranscript_transcript on Transcript
  @argumentDefinitions(count: { type: "Int", defaultValue: 50 }, cursor: { type: "String" })
  @refetchable(queryName: "MeetTranscriptEntriesPaginationQuery") {
    id
    name
    state
    entries(first: $count, after: $cursor) @connection(key: "MeetTranscript_entries") {
      edges {
        node {
          id
          text
          languageCode
          startTime
          participant {
            displayName
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
