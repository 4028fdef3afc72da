// Runs the GraphQL-over-HTTP audit suite of graphql-http against a running server
// and prints one JSON summary: {ok, warn, error, problems: [{id, name, status, reason}]}.
// Usage: node http-audit.mjs http://127.0.0.1:PORT/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node http-audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const count = (status) => results.filter((r) => r.status === status).length;
const problems = results
  .filter((r) => r.status !== 'ok')
  .map((r) => ({ id: r.id, name: r.name, status: r.status, reason: r.reason }));
console.log(JSON.stringify({ ok: count('ok'), warn: count('warn'), error: count('error'), problems }));
