// A real subscription client, driven by the live tests (tests/live/clients.py).
// argv[2]: JSON {transport: "ws" | "apollo" | "sse", url, query, variables, token,
// retryAttempts, connectionParams, extensions, count}. Prints one JSON line per event on stdout:
// {"event": "next" | "error" | "complete" | "closed" | "connected", ...}.
import { createClient as createWsClient } from 'graphql-ws';
import { createClient as createSseClient } from 'graphql-sse';
import WebSocket from 'ws';

const options = JSON.parse(process.argv[2]);
const say = (event, fields = {}) => process.stdout.write(JSON.stringify({ event, ...fields }) + '\n');
const authorization = options.token ? `Bearer ${options.token}` : undefined;
const retryAttempts = options.retryAttempts ?? 0;

function describe(err) {
  if (Array.isArray(err)) return { errors: err }; // an `error` message's GraphQL errors
  if (err && typeof err.code === 'number') return { code: err.code, reason: err.reason };
  if (err && err.response) return { status: err.response.status };
  return { message: String(err && err.message ? err.message : err) };
}

function wsClient() {
  return createWsClient({
    url: options.url,
    webSocketImpl: WebSocket,
    retryAttempts,
    shouldRetry: () => retryAttempts > 0,
    retryWait: async () => new Promise((resolve) => setTimeout(resolve, 200)),
    connectionParams: options.connectionParams ?? (authorization ? { authorization } : {}),
    on: {
      connected: () => say('connected'),
      closed: (e) => say('closed', { code: e.code, reason: e.reason }),
    },
  });
}

async function runWs() {
  const client = wsClient();
  // `count`: that many subscriptions on the one connection, told apart by `sub`.
  for (let sub = 0; sub < (options.count ?? 1); sub++) {
    client.subscribe(
      // A persisted document by hash only: graphql-ws insists on a string query.
      { query: options.query ?? '', variables: options.variables, extensions: options.extensions },
      {
        next: (payload) => say('next', { sub, payload }),
        error: (err) => say('error', { sub, ...describe(err) }),
        complete: () => say('complete', { sub }),
      },
    );
  }
}

async function runApollo() {
  const { ApolloClient, InMemoryCache, gql } = await import('@apollo/client/core/index.js');
  const { GraphQLWsLink } = await import('@apollo/client/link/subscriptions/index.js');
  const client = new ApolloClient({ link: new GraphQLWsLink(wsClient()), cache: new InMemoryCache({ addTypename: false }) });
  client
    .subscribe({ query: gql(options.query), variables: options.variables, fetchPolicy: 'no-cache' })
    .subscribe({
      next: (payload) => say('next', { payload: { data: payload.data, errors: payload.errors } }),
      error: (err) => say('error', describe(err.graphQLErrors?.length ? err.graphQLErrors : err.networkError ?? err)),
      complete: () => say('complete'),
    });
}

async function runSse() {
  const client = createSseClient({
    url: options.url,
    retryAttempts,
    headers: authorization ? { authorization } : {},
    on: { connected: () => say('connected') },
  });
  client.subscribe(
    { query: options.query, variables: options.variables, extensions: options.extensions },
    {
      next: (payload) => say('next', { payload }),
      error: async (err) => {
        const body = err && err.response ? await err.response.text().catch(() => null) : null;
        say('error', { ...describe(err), body: body ? JSON.parse(body) : undefined });
      },
      complete: () => say('complete'),
    },
  );
}

const run = { ws: runWs, apollo: runApollo, sse: runSse }[options.transport];
run().catch((err) => {
  say('crash', { message: String(err) });
  process.exit(1);
});
