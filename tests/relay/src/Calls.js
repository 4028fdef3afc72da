// Query.callSessions and CallSession.participantSessions (Stream Video).
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

export const callsQuery = graphql`
  query CallsQuery($count: Int!, $filter: CallSessionFilter) {
    ...Calls_query @arguments(count: $count, filter: $filter)
  }
`;

export const calls = graphql`
  fragment Calls_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "CallSessionFilter" }
  )
  @refetchable(queryName: "CallsPaginationQuery") {
    callSessions(first: $count, after: $cursor, filter: $filter)
      @connection(key: "Calls_callSessions", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          callType
          callId
          sessionId
          totalParticipantSessions
          ...CallAttendance_session
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const attendance = graphql`
  fragment CallAttendance_session on CallSession
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 25 }
    cursor: { type: "String" }
    filter: { type: "CallParticipantSessionFilter" }
  )
  @refetchable(queryName: "CallAttendancePaginationQuery") {
    id
    participantSessions(first: $count, after: $cursor, filter: $filter)
      @connection(key: "CallAttendance_participantSessions", filters: ["filter"]) {
      totalCount
      edges {
        node {
          id
          userId
          displayName
          joinTime
          leaveTime
          durationSeconds
          publisherType
          roles
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
