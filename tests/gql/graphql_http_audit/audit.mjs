// Runs graphql-http's GraphQL-over-HTTP server audit against the URL given as the only
// argument and prints the results as one JSON array on stdout:
// [{id, name, status: "ok"|"error"|"warn"|"notice", reason?, response?}], where a failed
// audit's response is {status, contentType, body} (body cut at 4000 characters).
// tests/gql/test_graphql_http_audit.py starts the server and reads the output.
import { auditServer } from 'graphql-http';

async function describe(response) {
  if (!response) return null;
  let body = null;
  try {
    body = (await response.clone().text()).slice(0, 4000);
  } catch (error) {
    body = `(body unreadable: ${error})`;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body,
  };
}

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.response = await describe(result.response);
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out) + '\n');
