// PostgreSQL full-text search as the baseline: the `arabic` text search configuration
// (Snowball's Arabic stemmer), title weighted A and body B, a GIN index, ts_rank ordering.
import pg from 'pg';
import type { IndexDoc } from '../../src/search/terms.ts';

export const TABLE = 'bench_search_articles';
const BENCH_DATABASE = 'newsbot_bench';
const BATCH = 1000;

export interface PgTarget {
  client: pg.Client;
  database: string;
  user: string;
}

async function tryConnect(user: string, database: string): Promise<pg.Client | undefined> {
  const client = new pg.Client({ host: '127.0.0.1', port: 5432, user, database });
  client.on('error', () => {});
  try {
    await client.connect();
    return client;
  } catch {
    await client.end().catch(() => {});
    return undefined;
  }
}

/** Connects as postgres (or root) and moves to a bench database when it can create one. */
export async function connectPg(): Promise<PgTarget> {
  for (const user of [process.env.PGUSER ?? 'postgres', 'root']) {
    const admin = await tryConnect(user, 'postgres');
    if (!admin) continue;
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        BENCH_DATABASE,
      ]);
      if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${BENCH_DATABASE}`);
    } catch {
      return { client: admin, database: 'postgres', user };
    }
    const bench = await tryConnect(user, BENCH_DATABASE);
    if (!bench) return { client: admin, database: 'postgres', user };
    await admin.end();
    return { client: bench, database: BENCH_DATABASE, user };
  }
  throw new Error(
    "PostgreSQL does not answer on 127.0.0.1:5432; start it with 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'",
  );
}

/** Creates the table, loads `docs` (batched INSERT … unnest), then builds the GIN index. */
export async function loadPg(
  client: pg.Client,
  docs: Iterable<IndexDoc>,
): Promise<{ docs: number; loadMs: number; indexMs: number }> {
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  // UNLOGGED: no WAL while loading; it changes nothing for query speed.
  await client.query(`CREATE UNLOGGED TABLE ${TABLE} (
    id text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    sent_at bigint NOT NULL,
    tsv tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('arabic'::regconfig, title), 'A') ||
      setweight(to_tsvector('arabic'::regconfig, body), 'B')
    ) STORED
  )`);
  await client.query('SET synchronous_commit = off');
  await client.query(`SET maintenance_work_mem = '1GB'`);
  const insert = `INSERT INTO ${TABLE} (id, title, body, sent_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[])`;
  const t0 = performance.now();
  let count = 0;
  let pending: Promise<unknown> = Promise.resolve();
  let batch: IndexDoc[] = [];
  const send = async (rows: IndexDoc[]): Promise<void> => {
    await pending;
    // The next batch is generated while PostgreSQL works on this one.
    pending = client.query(insert, [
      rows.map((d) => d.id),
      rows.map((d) => d.title),
      rows.map((d) => d.text),
      rows.map((d) => String(d.sentAt)),
    ]);
  };
  for (const doc of docs) {
    batch.push(doc);
    count++;
    if (batch.length === BATCH) {
      await send(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await send(batch);
  await pending;
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  await client.query(`CREATE INDEX ${TABLE}_tsv ON ${TABLE} USING gin (tsv)`);
  await client.query(`ANALYZE ${TABLE}`);
  return { docs: count, loadMs, indexMs: performance.now() - t1 };
}

/** Top `limit` ids: all words (plainto_tsquery ANDs them), ranked by ts_rank then newest. */
export async function searchPg(client: pg.Client, q: string, limit = 10): Promise<string[]> {
  const result = await client.query<{ id: string }>(
    `SELECT id FROM ${TABLE}, plainto_tsquery('arabic'::regconfig, $1) query
     WHERE tsv @@ query ORDER BY ts_rank(tsv, query) DESC, sent_at DESC LIMIT $2`,
    [q, limit],
  );
  return result.rows.map((r) => r.id);
}

export async function pgSizes(
  client: pg.Client,
): Promise<{ indexBytes: number; totalBytes: number }> {
  const r = await client.query<{ index: string; total: string }>(
    `SELECT pg_relation_size('${TABLE}_tsv') AS index, pg_total_relation_size('${TABLE}') AS total`,
  );
  const row = r.rows[0];
  return { indexBytes: Number(row?.index ?? 0), totalBytes: Number(row?.total ?? 0) };
}

export async function pgVersion(client: pg.Client): Promise<string> {
  const r = await client.query<{ server_version: string }>('SHOW server_version');
  return r.rows[0]?.server_version ?? 'unknown';
}

export async function dropPg(client: pg.Client): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS ${TABLE}`);
}
