// Space.conferenceRecords, with the space looked up by name or meeting code.
// The graphql tag is react-relay's; relay-compiler reads the tagged templates, nothing runs this.

export const spaceQuery = graphql`
  query MeetSpaceQuery($name: String!) {
    space(name: $name) {
      ...MeetSpace_space
    }
  }
`;

export const space = graphql`
  fragment MeetSpace_space on Space
  @argumentDefinitions(count: { type: "Int", defaultValue: 10 }, cursor: { type: "String" })
  @refetchable(queryName: "MeetSpaceRecordsPaginationQuery") {
    id
    name
    meetingUri
    meetingCode
    activeConference {
      id
      name
    }
    conferenceRecords(first: $count, after: $cursor)
      @connection(key: "MeetSpace_conferenceRecords") {
      edges {
        node {
          id
          name
          startTime
          endTime
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;
