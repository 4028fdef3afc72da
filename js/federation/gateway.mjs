// @apollo/gateway over sessiongraph + the reviews subgraph, served by @apollo/server.
//
//   node gateway.mjs --port P --sdl <sessiongraph-sdl-file> \
//       --sessiongraph-url http://127.0.0.1:8000/graphql --reviews-url http://127.0.0.1:4001/
//
// The supergraph is composed at start-up (supergraph.mjs) and handed to ApolloGateway as
// `supergraphSdl`. Prints "apollo gateway ready at <url>" once it listens; exits 1 with the
// composition errors as JSON if the subgraphs do not compose.
//
// Every response carries `extensions.subgraphFetches`: the subgraph requests the gateway made
// for that operation ({ subgraph, query, variables }), so a test can see the query plan at work.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

import { composeSupergraph } from "./supergraph.mjs";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4000" },
    host: { type: "string", default: "127.0.0.1" },
    sdl: { type: "string" },
    "sessiongraph-url": { type: "string" },
    "reviews-url": { type: "string" },
  },
});
for (const required of ["sdl", "sessiongraph-url", "reviews-url"]) {
  if (!values[required]) {
    console.error(`gateway.mjs: --${required} is required`);
    process.exit(2);
  }
}

class RecordingDataSource extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    context?.subgraphFetches?.push({
      subgraph: this.name,
      query: request.query,
      variables: request.variables ?? {},
    });
  }
}

const recordFetches = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== "single") return;
        const result = response.body.singleResult;
        result.extensions = {
          ...(result.extensions ?? {}),
          subgraphFetches: contextValue.subgraphFetches ?? [],
        };
      },
    };
  },
};

async function main() {
  const composed = composeSupergraph({
    sessiongraphSdl: readFileSync(values.sdl, "utf8"),
    sessiongraphUrl: values["sessiongraph-url"],
    reviewsUrl: values["reviews-url"],
  });
  if (composed.errors) {
    console.error(JSON.stringify({ errors: composed.errors }, null, 2));
    process.exit(1);
  }
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ name, url }) => {
      const source = new RecordingDataSource({ url });
      source.name = name;
      return source;
    },
  });
  const server = new ApolloServer({ gateway, plugins: [recordFetches] });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(values.port), host: values.host },
    context: async () => ({ subgraphFetches: [] }),
  });
  console.log(`apollo gateway ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
