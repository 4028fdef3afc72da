// Compose sessiongraph's exported SDL with the reviews subgraph.
//
//   node compose.mjs <sessiongraph-sdl-file> [--sessiongraph-url URL] [--reviews-url URL]
//
// Prints the supergraph SDL and exits 0, or prints {"errors": [...]} as JSON on stdout
// and exits 1. Composition hints go to stderr.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import { composeSupergraph } from "./supergraph.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "sessiongraph-url": { type: "string", default: "http://127.0.0.1:8000/graphql" },
    "reviews-url": { type: "string", default: "http://127.0.0.1:4001/" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: node compose.mjs <sessiongraph-sdl-file>");
  process.exit(2);
}

const result = composeSupergraph({
  sessiongraphSdl: readFileSync(positionals[0], "utf8"),
  sessiongraphUrl: values["sessiongraph-url"],
  reviewsUrl: values["reviews-url"],
});
if (result.errors) {
  console.log(JSON.stringify({ errors: result.errors }, null, 2));
  process.exit(1);
}
for (const hint of result.hints) console.error(`hint ${hint.code}: ${hint.message}`);
process.stdout.write(result.supergraphSdl);
