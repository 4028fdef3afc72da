// A tiny second subgraph for the federation tests (see reviews.graphql).
//
//   node reviews-subgraph.mjs --port 4001
//
// REVIEWS_PINNED_RECORDS: JSON array of ConferenceRecord names that `pinnedRecords` returns.
// Prints "reviews subgraph ready at <url>" once it listens.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import gql from "graphql-tag";

const REVIEWS_SDL = readFileSync(new URL("./reviews.graphql", import.meta.url), "utf8");

const AUTHORS = ["ada", "grace", "linus", "barbara"];

// Deterministic notes per record name: same name, same notes, in every process.
function notesFor(name) {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  const count = 1 + (hash % 3);
  return Array.from({ length: count }, (_, i) => ({
    id: `${name}/notes/${i + 1}`,
    text: `note ${i + 1} on ${name}`,
    author: AUTHORS[(hash + i) % AUTHORS.length],
  }));
}

function pinnedNames() {
  const raw = process.env.REVIEWS_PINNED_RECORDS ?? "[]";
  const names = JSON.parse(raw);
  if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
    throw new Error("REVIEWS_PINNED_RECORDS must be a JSON array of strings");
  }
  return names;
}

const resolvers = {
  Query: {
    pinnedRecords: () => pinnedNames().map((name) => ({ name })),
  },
  ConferenceRecord: {
    __resolveReference: (reference) => ({ name: reference.name }),
    notes: (record) => notesFor(record.name),
  },
};

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "4001" },
      host: { type: "string", default: "127.0.0.1" },
    },
  });
  pinnedNames(); // fail fast on a malformed variable
  const server = new ApolloServer({
    schema: buildSubgraphSchema({ typeDefs: gql(REVIEWS_SDL), resolvers }),
  });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(values.port), host: values.host },
  });
  console.log(`reviews subgraph ready at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
