// PostGraphile v5 as bench/run.py's comparison target (bench-only; see README.md here).
//
// Production settings (with GRAPHILE_ENV=NODE_ENV=production, set by the
// harness): amber preset, no GraphiQL/Ruru, no watch mode, no explain output,
// one pg pool of DATABASE_POOL_SIZE connections (default 10, as for
// `fleetgraph serve`). server.mjs builds the pool and passes it in, so that
// it can count the statements sent to PostgreSQL.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

/** @param {import("pg").Pool} pool */
export function makePreset(pool) {
  /** @type {GraphileConfig.Preset} */
  const preset = {
    extends: [PostGraphileAmberPreset],
    pgServices: [makePgService({ pool, schemas: ["public"] })],
    grafserv: {
      graphqlPath: "/graphql",
      graphiql: false,
      graphiqlOnGraphQLGET: false,
      watch: false,
      websockets: false,
    },
    grafast: { explain: false },
  };
  return preset;
}
