// Serves PostGraphile (graphile.config.mjs) on 127.0.0.1 for bench/run.py.
//
//   DATABASE_URL=postgres://... PORT=5678 node server.mjs
//
// Routes: POST /graphql (grafserv), GET /health (ready once the schema is
// built), GET /bench/statements ({"statements": N}: queries sent to
// PostgreSQL so far; pg_stat_statements is not preloaded on the bench
// machine, so the harness reads the count here, like our /metrics counter).
import http from "node:http";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { makePreset } from "./graphile.config.mjs";

const { DATABASE_URL, PORT } = process.env;
if (!DATABASE_URL || !PORT) {
  console.error("server.mjs: DATABASE_URL and PORT are required");
  process.exit(2);
}

let statements = 0;
const pool = new pg.Pool({
  connectionString: DATABASE_URL,
  max: Number(process.env.DATABASE_POOL_SIZE || 10),
  // Keep idle connections, as our read pool does: pg's default closes them after 10 s,
  // and a backend exiting during the next target's run takes its CPU time out of the
  // harness's count of benchmark processes (the run would look disturbed).
  idleTimeoutMillis: 0,
});
pool.on("connect", (client) => {
  // Every query a pooled client sends (the adaptor's reads, BEGIN/COMMIT, set_config...).
  const query = client.query;
  client.query = function countedQuery(...args) {
    statements += 1;
    return query.apply(this, args);
  };
});

const pgl = postgraphile(makePreset(pool));
const serv = pgl.createServ(grafserv);
await pgl.getSchema(); // build the schema before /health says ready
const handler = serv.createHandler();

const json = (res, status, body) => {
  res.writeHead(status, { "Content-Type": "application/json" });
  res.end(JSON.stringify(body));
};

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") return json(res, 200, { status: "ok" });
  if (req.method === "GET" && req.url === "/bench/statements") return json(res, 200, { statements });
  handler(req, res, (err) => json(res, err ? 500 : 404, { error: String(err ?? "not found") }));
});
server.keepAliveTimeout = 65_000; // wrk keeps its connections open for the whole run

const shutdown = () => server.close(() => pgl.release().then(() => pool.end()).then(() => process.exit(0)));
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

server.listen(Number(PORT), "127.0.0.1", () => {
  console.log(`postgraphile listening on http://127.0.0.1:${PORT}/graphql`);
});
