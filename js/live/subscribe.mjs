// One graphql-ws (graphql-transport-ws) subscription, as Relay and Apollo Client open it.
// Usage: node subscribe.mjs URL QUERY [VARIABLES_JSON] [CONNECTION_PARAMS_JSON]
// Prints one JSON object per line: {type: "connected"|"next"|"error"|"complete"|"closed", ...}.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, query, variables = "{}", params = "{}"] = process.argv.slice(2);
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

const client = createClient({
  url,
  webSocketImpl: WebSocket,
  connectionParams: JSON.parse(params),
  lazy: false,
  retryAttempts: 0,
  on: {
    connected: () => print({ type: "connected" }),
    closed: (event) => {
      print({ type: "closed", code: event.code, reason: event.reason });
      process.exit(0);
    },
  },
});

client.subscribe(
  { query, variables: JSON.parse(variables) },
  {
    next: (payload) => print({ type: "next", at: Date.now(), payload }),
    error: (error) => print({ type: "error", error: String(error?.message ?? error?.reason ?? error) }),
    complete: () => print({ type: "complete" }),
  },
);
