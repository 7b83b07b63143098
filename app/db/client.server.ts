import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { SQL } from "drizzle-orm";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres, PostgresJsSession } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { dataDir, env } from "~/env.server";
import { compileQuery } from "./compile.server";
import { gated } from "./priority.server";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
export type DbOrTx = Db | Tx;

export type DbHandle = {
  db: Db;
  kind: "postgres" | "pglite";
  close(): Promise<void>;
};

export type OpenOptions =
  | { kind: "postgres"; url: string; max?: number; /** named statements; default DATABASE_PREPARE */ prepare?: boolean }
  | { kind: "pglite"; dir: string | null /* null = in memory */ };

const migrationsFolder = () => path.resolve(env().ATRIUM_MIGRATIONS_DIR);

export class DataDirBusyError extends Error {}

function pidAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

// PGlite allows one process per data directory; a pid file makes a second
// opener fail with a clear message instead of corrupting the database.
function claimDataDir(dir: string) {
  const lock = path.join(dir, "atrium.pid");
  if (fs.existsSync(lock)) {
    const pid = Number(fs.readFileSync(lock, "utf8").trim());
    if (pid && pid !== process.pid && pidAlive(pid)) {
      throw new DataDirBusyError(
        `The embedded database in ${dir} is open by another Atrium process (pid ${pid}). ` +
          `Run this task through the running app, stop the app first, or set DATABASE_URL to a PostgreSQL server.`,
      );
    }
  }
  fs.writeFileSync(lock, String(process.pid));
  return () => {
    try {
      if (fs.readFileSync(lock, "utf8").trim() === String(process.pid)) fs.unlinkSync(lock);
    } catch {
      /* already gone */
    }
  };
}

/**
 * drizzle's execute() sends every statement unnamed, so PostgreSQL parses and plans it again on
 * every request: at 1,000,000 posts the hydration query's planning alone cost more than its
 * execution. Named statements (postgres.js keeps one per query text and connection) are parsed
 * once, and PostgreSQL's plan cache switches to a generic plan when it is as good. Statements
 * inside transactions (client.begin) stay unnamed.
 */
function preparedStatements(client: postgres.Sql) {
  const unsafe = client.unsafe.bind(client);
  (client as { unsafe: typeof client.unsafe }).unsafe = ((q: string, args?: never[], o?: { prepare?: boolean }) =>
    unsafe(q, args, { ...o, prepare: true })) as typeof client.unsafe;
}

/**
 * postgres.js 3.4.9 can write a transaction's BEGIN without reserving its connection, when BEGIN is
 * the statement that fills the connection's pipeline or the socket's buffer (porsager/postgres#823,
 * #1189, unfixed in the latest release): the request fails with UNSAFE_TRANSACTION, or the connection
 * goes back to the pool inside the transaction and unrelated statements run in it. `npm run load`
 * (200 people on a pool of 10) lost one or two writes per run to it, with PostgreSQL's "there is
 * already a transaction in progress". Transactions here take an idle connection with `reserve()`
 * (reserved before anything is written to it) and send BEGIN, COMMIT and savepoints on it themselves.
 */
export function reservedTransactions(client: postgres.Sql) {
  type Fn = (sql: postgres.ReservedSql) => unknown;
  const withSavepoints = (r: postgres.ReservedSql) => {
    let n = 0;
    const scoped = r as postgres.ReservedSql & { savepoint: (a: string | Fn, b?: Fn) => Promise<unknown> };
    scoped.savepoint = async (a: string | Fn, b?: Fn) => {
      const fn = (typeof a === "function" ? a : b)!;
      const name = `atrium_sp${++n}`;
      await r.unsafe(`savepoint ${name}`);
      try {
        const out = await fn(scoped);
        await r.unsafe(`release savepoint ${name}`);
        return out;
      } catch (error) {
        await r.unsafe(`rollback to savepoint ${name}`);
        throw error;
      }
    };
    return scoped;
  };
  const begin = async (a: string | Fn, b?: Fn) => {
    const fn = (typeof a === "function" ? a : b)!;
    const options = typeof a === "string" ? a.replace(/[^a-z ]/gi, "") : "";
    const r = await client.reserve();
    let open = false;
    try {
      await r.unsafe(`begin ${options}`);
      open = true;
      const out = await fn(withSavepoints(r));
      open = false; // a failed COMMIT ends the transaction too
      await r.unsafe("commit");
      return out;
    } catch (error) {
      if (open) await r.unsafe("rollback").catch(() => undefined);
      throw error;
    } finally {
      r.release();
    }
  };
  (client as { begin: unknown }).begin = begin;
}

export async function openDatabase(opts: OpenOptions & { migrate?: boolean }): Promise<DbHandle> {
  if (opts.kind === "postgres") {
    // JIT off: our queries are short and index-driven, but a generous cost estimate (a partial
    // index on a big table) made PostgreSQL spend ~3 s compiling a plan that runs in 0.1 ms.
    const client = postgres(opts.url, { max: opts.max ?? 10, onnotice: () => {}, connection: { jit: "off" } });
    if (opts.prepare ?? env().DATABASE_PREPARE) preparedStatements(client);
    reservedTransactions(client);
    const db = drizzlePostgres(client, { schema }) as unknown as Db;
    // A runtime role without DDL rights cannot run the migrator (it creates its schema first).
    if (opts.migrate ?? env().ATRIUM_MIGRATE) await migratePostgres(db as never, { migrationsFolder: migrationsFolder() });
    return { db, kind: "postgres", close: () => client.end({ timeout: 5 }) };
  }
  let release = () => {};
  if (opts.dir) {
    fs.mkdirSync(opts.dir, { recursive: true });
    release = claimDataDir(opts.dir);
  }
  try {
    const client = opts.dir ? new PGlite(opts.dir) : new PGlite();
    await client.waitReady;
    noteQueriesOf(client);
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    await migratePglite(db as never, { migrationsFolder: migrationsFolder() });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (e) {
    release();
    throw e;
  }
}

export function defaultOpenOptions(): OpenOptions {
  const e = env();
  if (e.DATABASE_URL) return { kind: "postgres", url: e.DATABASE_URL };
  if (e.ATRIUM_PGLITE_MEMORY === "1") return { kind: "pglite", dir: null };
  return { kind: "pglite", dir: path.join(dataDir(), "pglite") };
}

// Proof of life for health probes: PGlite runs one query at a time, so a probe can wait
// behind a burst of writes; any query that just succeeded shows the database is alive.
const alive = ((globalThis as Record<string, unknown>).__atriumDbAlive ??= { at: 0 }) as { at: number };

/** When a query last succeeded in this process (ms since the epoch; 0 = never). PGlite only, plus health probes. */
export function lastQueryOkAt() {
  return alive.at;
}
export function noteQueryOk() {
  alive.at = Date.now();
}

// Also where background work yields to requests on PGlite's single connection (priority.server.ts).
function noteQueriesOf(client: PGlite) {
  for (const name of ["query", "exec", "transaction"] as const) {
    const original = (client[name] as (...a: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const r = await gated(() => original(...args));
      alive.at = Date.now();
      return r;
    };
  }
}

type Holder = { handle?: Promise<DbHandle>; open?: boolean };
const holder: Holder = ((globalThis as Record<string, unknown>).__atriumDb ??= {}) as Holder;

/** The process-wide database, opened and migrated on first use. */
export function getDbHandle(): Promise<DbHandle> {
  if (!holder.handle) {
    const p = openDatabase(defaultOpenOptions());
    holder.handle = p;
    holder.open = false;
    p.then(() => {
      if (holder.handle === p) holder.open = true;
    }, () => undefined);
    // never cache a failed open: the next request tries again
    p.catch(() => {
      if (holder.handle === p) holder.handle = undefined;
    });
  }
  return holder.handle;
}

/** True once the process-wide database is open and migrated (false while opening). */
export function dbReady(): boolean {
  return !!holder.handle && holder.open === true;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export async function closeDb() {
  const h = holder.handle;
  holder.handle = undefined;
  holder.open = false;
  if (h) await (await h).close();
}

/** Rows of a raw query, whichever driver ran it. */
export async function query<T = Record<string, unknown>>(db: DbOrTx, q: SQL): Promise<T[]> {
  // On PostgreSQL, a raw statement goes straight to the driver, compiled by compileQuery (same text
  // and parameters as drizzle's builder, at a fraction of its cost); what it does not handle, and
  // PGlite, go through drizzle.
  const session = (db as unknown as { session?: { client?: postgres.Sql } }).session;
  if (session instanceof PostgresJsSession && session.client) {
    const compiled = compileQuery(q);
    // unnamed, as drizzle sends it: named statements only where DATABASE_PREPARE turned them on
    if (compiled) return (await session.client.unsafe(compiled.sql, compiled.params as never[], { prepare: false })) as unknown as T[];
  }
  const res = (await db.execute(q)) as unknown;
  if (Array.isArray(res)) return res as T[];
  return ((res as { rows: T[] }).rows ?? []) as T[];
}

/**
 * A raw query's rows in chunks of `rows`, read through a cursor on a connection of its own: one
 * statement, one plan and one snapshot however many chunks. Each chunk is fetched when the caller asks
 * for it, so PostgreSQL works only as fast as the caller consumes. Null where the database cannot
 * stream (PGlite; a transaction's handle, which has no pool to take a connection from).
 */
export function queryCursor<T = Record<string, unknown>>(db: DbOrTx, q: SQL, rows: number): AsyncGenerator<T[]> | null {
  return cursorOf<T[]>(db, q, rows, false);
}

/**
 * queryCursor's rows as the bytes PostgreSQL sent, one Buffer a column, undecoded: for text that goes
 * on as it is (bulk reindex sends PostgreSQL's JSON to Meilisearch without turning it into strings).
 */
export function queryCursorBytes(db: DbOrTx, q: SQL, rows: number): AsyncGenerator<(Buffer | null)[][]> | null {
  return cursorOf<(Buffer | null)[][]>(db, q, rows, true);
}

function cursorOf<C>(db: DbOrTx, q: SQL, rows: number, raw: boolean): AsyncGenerator<C> | null {
  const client = (db as { $client?: postgres.Sql }).$client;
  if (!client || typeof client.reserve !== "function") return null;
  const { sql: text, params } = new PgDialect().sqlToQuery(q);
  return (async function* () {
    const conn = await client.reserve();
    let open = false;
    try {
      await conn.unsafe("begin read only");
      open = true;
      const statement = conn.unsafe(text, params as never[]);
      for await (const chunk of (raw ? statement.raw() : statement).cursor(rows)) yield chunk as unknown as C;
      open = false;
      await conn.unsafe("commit");
    } finally {
      if (open) await conn.unsafe("rollback").catch(() => undefined);
      conn.release();
    }
  })();
}

/** Thrown by withSessionLock when another session holds the lock. */
export class LockBusyError extends Error {}

/**
 * `fn` under a PostgreSQL session-level advisory lock on `key`, held on a connection of its own for as
 * long as `fn` runs (a long job: a transaction-level lock would keep a transaction open with it). Refuses
 * at once with LockBusyError when another session holds it. PGlite has one process per data directory
 * (claimDataDir), so there `fn` simply runs.
 */
export async function withSessionLock<T>(db: Db, key: string, fn: () => Promise<T>): Promise<T> {
  const client = (db as { $client?: postgres.Sql }).$client;
  if (!client || typeof client.reserve !== "function") return fn();
  const conn = await client.reserve();
  try {
    const [row] = await conn.unsafe<{ ok: boolean }[]>("select pg_try_advisory_lock(hashtext($1)) as ok", [key]);
    if (!row?.ok) throw new LockBusyError(key);
    try {
      return await fn();
    } finally {
      await conn.unsafe("select pg_advisory_unlock(hashtext($1))", [key]).catch(() => undefined);
    }
  } finally {
    conn.release();
  }
}
