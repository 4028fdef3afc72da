// Global object identification: a @refetchable fragment on a Node type, whose generated
// refetch query goes through `Query.node(id:)`, and a query that starts from `node` itself.
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

// A Node may be of any type: @alias exposes the spread as a nullable `record` property.
export const nodeQuery = graphql`
  query NodeRefetchQuery($id: ID!) {
    node(id: $id) {
      __typename
      id
      ...NodeRefetch_record @alias(as: "record")
    }
  }
`;

export const record = graphql`
  fragment NodeRefetch_record on ConferenceRecord
  @refetchable(queryName: "NodeRefetchRecordQuery") {
    id
    name
    startTime
    endTime
    durationSeconds
    expireTime
    isLive
  }
`;
