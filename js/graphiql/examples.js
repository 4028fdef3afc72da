// The operations the explorer opens with. The first tab is the default query and
// must stay valid against the schema (the e2e test runs it); the other tabs are
// stored presets, one per domain.

export const DEFAULT_QUERY = `# sessiongraph: Google Meet, Vertex AI Search,
# Cloudflare RealtimeKit and Stream Video in one graph.
#
# Run with Ctrl+Enter or the ▶ button. The other tabs
# hold an example per domain. Credentials such as
# X-API-Key or Authorization go in the Headers editor.

query LatestConferenceRecords {
  conferenceRecords(first: 5) {
    edges {
      node {
        name
        startTime
        endTime
        isLive
        durationSeconds
        participants(first: 5) {
          totalCount
          nodes {
            displayName
            earliestStartTime
            latestEndTime
          }
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

const LIVE_SESSIONS = `# Every provider at once, newest start first: what is live right now?
query LiveSessions {
  sessions(first: 10, filter: { live: true }) {
    edges {
      node {
        __typename
        id
        provider
        startTime
        isLive
        ... on ConferenceRecord {
          name
        }
        ... on Conversation {
          displayName
        }
        ... on RealtimeSession {
          meetingTitle
          liveParticipants
        }
        ... on CallSession {
          callType
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

const CONVERSATIONS = `# Vertex AI Search conversational sessions and their turns.
query RecentConversations {
  conversations(first: 5, orderBy: [{ field: UPDATE_TIME, direction: DESC }]) {
    totalCount
    nodes {
      name
      displayName
      state
      userPseudoId
      isPinned
      startTime
      endTime
      turnCount
      turns {
        query {
          text
        }
        answer
      }
    }
  }
}
`;

const REALTIME_SESSIONS = `# Cloudflare RealtimeKit sessions with their participants.
query RealtimeSessions {
  realtimeSessions(first: 5) {
    totalCount
    nodes {
      sessionId
      meetingTitle
      kind
      status
      startTime
      endTime
      liveParticipants
      maxConcurrentParticipants
      minutesConsumed
      participants(first: 5) {
        totalCount
        nodes {
          displayName
          presetName
          joinTime
          leaveTime
          durationSeconds
        }
      }
    }
  }
}
`;

const CALL_SESSIONS = `# Stream Video call sessions and who attended.
query CallSessions {
  callSessions(first: 5) {
    totalCount
    nodes {
      callType
      callId
      sessionId
      startTime
      endTime
      totalParticipantSessions
      totalParticipantDurationSeconds
      participantSessions(first: 5) {
        totalCount
        nodes {
          userId
          displayName
          publisherType
          joinTime
          leaveTime
          durationSeconds
        }
      }
    }
  }
}
`;

const NODE_LOOKUP = `# Any object by its global id (Relay): paste an \`id\` from another tab.
query NodeById($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Session {
      provider
      startTime
      endTime
      isLive
    }
  }
}
`;

const LIVE_EVENTS = `# Live: participants joining and leaving, sessions starting and
# ending, as the upstreams push them (Vertex AI Search is polled).
# Run it and keep the tab open: in \`sessiongraph demo\` the emulators
# deliver a signed webhook every few seconds.
subscription LiveAttendance {
  sessionEvents(filter: { kinds: [PARTICIPANT_JOINED, PARTICIPANT_LEFT] }) {
    id
    kind
    provider
    occurredAt
    session {
      __typename
      id
      isLive
    }
    attendance {
      displayName
      joinTime
      leaveTime
    }
  }
}
`;

/** Headers a new tab starts with: the API key placeholder when the gateway wants one. */
export function defaultHeaders(apiKeyRequired) {
  return apiKeyRequired ? JSON.stringify({ 'X-API-Key': '' }, null, 2) : '';
}

export function defaultTabs(apiKeyRequired) {
  const headers = defaultHeaders(apiKeyRequired);
  return [
    { query: DEFAULT_QUERY, headers },
    { query: LIVE_SESSIONS, headers },
    { query: CONVERSATIONS, headers },
    { query: REALTIME_SESSIONS, headers },
    { query: CALL_SESSIONS, headers },
    { query: NODE_LOOKUP, variables: JSON.stringify({ id: '' }, null, 2), headers },
    { query: LIVE_EVENTS, headers },
  ];
}
