// Query.conversations (Vertex AI Search sessions).
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

export const conversationsQuery = graphql`
  query ConversationsQuery($count: Int!, $filter: ConversationFilter) {
    ...Conversations_query @arguments(count: $count, filter: $filter)
  }
`;

export const conversations = graphql`
  fragment Conversations_query on Query
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
    filter: { type: "ConversationFilter" }
    orderBy: { type: "[ConversationOrder!]" }
  )
  @refetchable(queryName: "ConversationsPaginationQuery") {
    conversations(first: $count, after: $cursor, filter: $filter, orderBy: $orderBy)
      @connection(key: "Conversations_conversations", filters: ["filter", "orderBy"]) {
      edges {
        node {
          id
          name
          displayName
          state
          isPinned
          labels
          turnCount
          startTime
          endTime
          turns {
            query {
              queryId
              text
            }
            answer
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
