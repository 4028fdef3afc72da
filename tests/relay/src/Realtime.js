// Query.realtimeSessions and RealtimeSession.participants (RealtimeKit pages both ways).
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

export const realtimeQuery = graphql`
  query RealtimeSessionsQuery($count: Int!, $filter: RealtimeSessionFilter) {
    ...Realtime_query @arguments(count: $count, filter: $filter)
  }
`;

export const sessions = graphql`
  fragment Realtime_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "RealtimeSessionFilter" }
  )
  @refetchable(queryName: "RealtimeSessionsPaginationQuery") {
    realtimeSessions(first: $count, after: $cursor, filter: $filter)
      @connection(key: "Realtime_realtimeSessions", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          sessionId
          meetingTitle
          status
          liveParticipants
          ...RealtimeParticipants_session
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

// Backward paging: the newest participants first, then earlier pages with `before`.
export const participants = graphql`
  fragment RealtimeParticipants_session on RealtimeSession
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    orderBy: { type: "RealtimeParticipantOrder", defaultValue: JOINED_AT_ASC }
  )
  @refetchable(queryName: "RealtimeParticipantsPaginationQuery") {
    id
    participants(last: $count, before: $cursor, orderBy: $orderBy)
      @connection(key: "RealtimeParticipants_participants", filters: ["orderBy"]) {
      totalCount
      edges {
        node {
          id
          participantId
          displayName
          joinTime
          leaveTime
          durationSeconds
        }
      }
      pageInfo {
        hasPreviousPage
        startCursor
      }
    }
  }
`;
