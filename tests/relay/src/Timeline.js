// Query.sessions: every provider's sessions, newest first, through the Session interface.
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

export const timelineQuery = graphql`
  query TimelineQuery($count: Int!, $filter: SessionFilter) {
    ...Timeline_query @arguments(count: $count, filter: $filter)
  }
`;

export const timeline = graphql`
  fragment Timeline_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "SessionFilter" }
  )
  @refetchable(queryName: "TimelinePaginationQuery") {
    sessions(first: $count, after: $cursor, filter: $filter)
      @connection(key: "Timeline_sessions", filters: ["filter"]) {
      edges {
        node {
          __typename
          id
          provider
          startTime
          endTime
          isLive
          ... on ConferenceRecord {
            name
          }
          ... on Conversation {
            displayName
          }
          ... on RealtimeSession {
            meetingTitle
          }
          ... on CallSession {
            callId
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
