// Shared by compose.mjs and gateway.mjs: sessiongraph's SDL + the reviews subgraph's SDL,
// composed with @apollo/composition into a supergraph.
import { readFileSync } from "node:fs";

import { composeServices } from "@apollo/composition";
import { parse } from "graphql";

export const REVIEWS_SDL = readFileSync(new URL("./reviews.graphql", import.meta.url), "utf8");

/**
 * Compose the two subgraphs. Returns `{ supergraphSdl, hints }` or `{ errors }`, where errors
 * and hints are plain JSON objects (`{ message, code }`).
 */
export function composeSupergraph({ sessiongraphSdl, sessiongraphUrl, reviewsUrl }) {
  const result = composeServices([
    { name: "sessiongraph", typeDefs: parse(sessiongraphSdl), url: sessiongraphUrl },
    { name: "reviews", typeDefs: parse(REVIEWS_SDL), url: reviewsUrl },
  ]);
  if (result.errors && result.errors.length > 0) {
    return {
      errors: result.errors.map((error) => ({
        message: error.message,
        code: error.extensions?.code ?? null,
      })),
    };
  }
  return {
    supergraphSdl: result.supergraphSdl,
    hints: (result.hints ?? []).map((hint) => ({
      message: hint.message,
      code: hint.definition?.code ?? null,
    })),
  };
}
