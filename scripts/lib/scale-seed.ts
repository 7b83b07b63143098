// The scale seed (issue 18): a whole bank (users, spaces, months of posts, questions, answers,
// comments, reactions, best practices, activity days) bulk-loaded, yet valid for the app:
// every content row and reaction has its archive version in the org's hash chain (hashed with
// the app's own archiveRecord/canonicalJson, checked against chainHash), the chain head moved
// to the last record in the same transaction, no outbox events for the bulk (the search index
// is rebuilt and the analytics rolled up afterwards by the app's own code).
//
// PostgreSQL: COPY through postgres.js in one transaction per chunk (a crash leaves a valid
// prefix), Node building and hashing the next chunk while PostgreSQL writes the previous one;
// at scale, bulk mode (ScaleOptions.bulk). PGlite (tests without TEST_DATABASE_URL):
// multi-row INSERTs, same rows.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { Sql, TransactionSql } from "postgres";
import type { PGlite, Transaction as PgliteTx } from "@electric-sql/pglite";
import { registerConsumers } from "../../app/boot.server";
import { rollupWeeks } from "../../app/analytics/rollup.server";
import { addDays, isoDay, weekOf } from "../../app/analytics/weeks";
import { archiveRecord, type ArchiveEntry } from "../../app/compliance/archive.server";
import { canonicalAt, canonicalJson, chainHash, GENESIS } from "../../app/compliance/chain.server";
import { REACTIONS } from "../../app/content/content.server";
import { parseRichText } from "../../app/content/rich-text.server";
import { normalizeHashtag } from "../../app/content/rich-text";
import { query, type Db } from "../../app/db/client.server";
import { decide, nominate } from "../../app/discovery/review.server";
import { createOrg } from "../../app/identity/accounts.server";
import { hashPassword } from "../../app/identity/password.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { ROUTE_FRACTION } from "../../app/qa/questions.server";
import { createSpace } from "../../app/spaces/spaces.server";
import { newId } from "../../app/utils/ids";
import { rng } from "./rng";
import { DEPARTMENTS, FIRST, LAST, postDoc, questionOf, REGIONS, replyDoc, SPACE_TOPICS } from "./scale-text";

export type ScaleOptions = {
  users: number;
  spaces: number;
  /** root posts; questions come on top (questionsPerPost) */
  posts: number;
  weeks: number;
  seed: number;
  password: string;
  /** roots per transaction */
  chunk?: number;
  commentsPerPost?: number;
  reactionsPerPost?: number;
  questionsPerPost?: number;
  bestPractices?: number;
  rollup?: boolean;
  /**
   * PostgreSQL bulk mode (default: on from 20,000 posts, when the role is a superuser): secondary
   * indexes dropped during the content load and rebuilt after, triggers (foreign keys, the chain
   * head's guard, content_set_root) off in the load's transactions with the same facts checked per
   * set afterwards. Not for a database serving people: the DDL locks the tables.
   */
  bulk?: boolean;
  /** where the dropped indexes' definitions are kept until rebuilt (a crashed run rebuilds them first) */
  indexStateFile?: string;
  /** started once the content is loaded (the search reindex), awaited at the end: it overlaps the activity and rollups */
  alongside?: () => Promise<unknown>;
  onProgress?: (stage: string, done: number, total: number) => void;
};

export const PRESETS = {
  small: { users: 200, spaces: 12, posts: 2_000, weeks: 10 },
  full: { users: 10_000, spaces: 200, posts: 1_000_000, weeks: 26 },
} as const;

export type ScaleReport = {
  orgId: string;
  emailDomain: string;
  users: number;
  spaces: number;
  content: { posts: number; questions: number; answers: number; comments: number };
  reactions: number;
  archiveRecords: number;
  activityDays: number;
  bestPractices: number;
  seconds: Record<string, number>;
};

const DAY = 86_400_000;
const ORG_TARGET_MINUTES = 120;

// ---------- the two loaders: COPY (PostgreSQL) and INSERT (PGlite) ----------

type Col = [name: string, type: string];
type Val = string | null; // PostgreSQL text form
type Loader = {
  rows(table: string, cols: Col[], rows: Val[][]): Promise<void>;
  q<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
};

const copyEscape = (v: Val) => (v === null ? "\\N" : v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\r/g, "\\r").replace(/\t/g, "\\t"));

function pgLoader(tx: TransactionSql): Loader {
  return {
    async rows(table, cols, rows) {
      if (!rows.length) return;
      const stream = await tx.unsafe(`copy ${table} (${cols.map((c) => c[0]).join(", ")}) from stdin`).writable();
      await new Promise<void>((resolve, reject) => {
        stream.on("error", reject);
        stream.on("finish", resolve);
        let i = 0;
        const write = () => {
          let ok = true;
          while (i < rows.length && ok) {
            ok = stream.write(rows[i++].map(copyEscape).join("\t") + "\n");
          }
          if (i < rows.length) stream.once("drain", write);
          else stream.end();
        };
        write();
      });
    },
    q: (text, params = []) => tx.unsafe(text, params as never[]) as never,
  };
}

function pgliteLoader(tx: PgliteTx): Loader {
  return {
    async rows(table, cols, rows) {
      const per = Math.max(1, Math.floor(2000 / cols.length));
      for (let i = 0; i < rows.length; i += per) {
        const part = rows.slice(i, i + per);
        const params: Val[] = [];
        const tuples = part.map((r) => `(${r.map((v, k) => (params.push(v), `$${params.length}::${cols[k][1]}`)).join(", ")})`);
        await tx.query(`insert into ${table} (${cols.map((c) => c[0]).join(", ")}) values ${tuples.join(", ")}`, params);
      }
    },
    q: async (text, params = []) => (await tx.query(text, params)).rows as never,
  };
}

async function inTransactionResult<T>(db: Db, fn: (l: Loader) => Promise<T>, o: { replica?: boolean } = {}): Promise<T> {
  const client = (db as unknown as { $client: Sql | PGlite }).$client;
  if ("begin" in client) {
    return (await client.begin(async (tx) => {
      // the seed's own transactions only: a crash loses at most the last chunks, never a valid prefix
      await tx.unsafe(`set local synchronous_commit = off`);
      if (o.replica) await tx.unsafe(`set local session_replication_role = replica`);
      return fn(pgLoader(tx));
    })) as T;
  }
  return (client as PGlite).transaction(async (tx) => {
    if (o.replica) await tx.query(`set local session_replication_role = replica`);
    return fn(pgliteLoader(tx));
  });
}

async function inTransaction(db: Db, fn: (l: Loader) => Promise<void>, o: { replica?: boolean } = {}) {
  await inTransactionResult(db, fn, o);
}

const isPostgres = (db: Db) => "begin" in (db as unknown as { $client: object }).$client;

/**
 * Moves the chain head past `count` appended records to `hash`. The head's guard allows one
 * record per update: as a superuser the loader moves it once with triggers off for that
 * statement (as pg_restore --disable-triggers would); otherwise it steps it, each step on the
 * row version the previous one wrote (by ctid: an update by key would walk the transaction's
 * ever longer chain of versions).
 */
async function moveHead(l: Loader, orgId: string, count: number, hash: string, superuser: boolean) {
  if (!count) return;
  if (superuser) {
    await l.q(`set local session_replication_role = replica`);
    await l.q(`update chain_heads set seq = seq + $2::int, hash = $3 where org_id = $1 and chain = 'archive'`, [orgId, count, hash]);
    await l.q(`set local session_replication_role = origin`);
    return;
  }
  if (!/^[0-9a-f-]{36}$/.test(orgId)) throw new Error("unexpected org id");
  if (count > 1) {
    await l.q(
      `do $$ declare c tid; begin
         select ctid into c from chain_heads where org_id = '${orgId}' and chain = 'archive';
         for i in 1..${count - 1} loop update chain_heads set seq = seq + 1 where ctid = c returning ctid into c; end loop;
       end $$`,
    );
  }
  await l.q(`update chain_heads set seq = seq + 1, hash = $2 where org_id = $1 and chain = 'archive'`, [orgId, hash]);
}

// ---------- bulk mode: secondary indexes off during the load, rebuilt in bulk after ----------

const BULK_TABLES = ["content", "archive_records", "content_tags", "reactions", "follows", "qa_questions"];
type IndexDef = { name: string; def: string };

/** Rebuilds indexes a crashed bulk run left dropped (their definitions kept in the state file). */
async function restoreLeftovers(db: Db, stateFile?: string) {
  if (!stateFile || !fs.existsSync(stateFile)) return;
  const defs = JSON.parse(fs.readFileSync(stateFile, "utf8")) as IndexDef[];
  await rebuildIndexes(db, defs, stateFile);
}

async function dropSecondaryIndexes(db: Db, stateFile?: string): Promise<IndexDef[]> {
  await restoreLeftovers(db, stateFile);
  const defs = await query<IndexDef>(
    db,
    sql`select ic.relname as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class t on t.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
        where t.relnamespace = 'public'::regnamespace and t.relname in (${sql.join(BULK_TABLES.map((x) => sql`${x}`), sql`, `)})
          and not i.indisunique and not i.indisprimary`,
  );
  if (stateFile) {
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, JSON.stringify(defs));
  } // before dropping: a crash can rebuild them
  for (const d of defs) await db.execute(sql.raw(`drop index if exists "${d.name}"`));
  return defs;
}

/** Builds the indexes back, two at a time (two cores), with room to sort in memory. */
async function rebuildIndexes(db: Db, defs: IndexDef[], stateFile?: string, onProgress?: (done: number, total: number) => void) {
  const client = (db as unknown as { $client: Sql }).$client;
  const queue = [...defs].sort((a, b) => Number(/using gin/i.test(b.def)) - Number(/using gin/i.test(a.def))); // the long GIN builds first
  let built = 0;
  const lane = async () => {
    for (let d = queue.shift(); d; d = queue.shift()) {
      await client.begin(async (tx) => {
        await tx.unsafe(`set local maintenance_work_mem = '1GB'`);
        await tx.unsafe(`set local max_parallel_maintenance_workers = 1`);
        await tx.unsafe(d!.def.replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX IF NOT EXISTS "));
      });
      onProgress?.(++built, defs.length);
    }
  };
  await Promise.all([lane(), lane()]);
  for (const table of BULK_TABLES) await db.execute(sql.raw(`analyze ${table}`));
  if (stateFile && fs.existsSync(stateFile)) fs.rmSync(stateFile);
}

/** The facts the foreign keys and content_set_root would have checked row by row, checked per set. */
async function checkBulkFacts(db: Db, orgId: string) {
  const [x] = await query<Record<string, number>>(
    db,
    sql`select
      (select count(*) from content c where c.org_id = ${orgId} and (not exists (select 1 from users u where u.id = c.author_id) or (c.space_id is not null and not exists (select 1 from spaces s where s.id = c.space_id))))::int as content_refs,
      (select count(*) from content c left join content p on p.id = c.parent_id where c.org_id = ${orgId} and c.parent_id is not null and (p.id is null or c.root_id is distinct from coalesce(p.root_id, p.id)))::int as roots,
      (select count(*) from reactions r join content c on c.id = r.content_id where c.org_id = ${orgId} and not exists (select 1 from users u where u.id = r.user_id))::int as reaction_users,
      (select count(*) from content_tags t where t.org_id = ${orgId} and not exists (select 1 from content c where c.id = t.content_id))::int as tags,
      (select count(*) from qa_questions q where q.org_id = ${orgId} and (not exists (select 1 from content c where c.id = q.content_id) or (q.accepted_answer_id is not null and not exists (select 1 from content c where c.id = q.accepted_answer_id))))::int as questions`,
  );
  const bad = Object.entries(x).filter(([, n]) => Number(n) > 0);
  if (bad.length) throw new Error(`seed: bulk rows break their references: ${JSON.stringify(Object.fromEntries(bad))}`);
}

/** Canonical JSON (chain.server.ts canonicalJson, same algorithm) with the pooled bodies' forms computed once. */
const canonicalMemo = new WeakMap<object, string>();
function canonicalCached(value: unknown): string {
  if (value === null || typeof value !== "object" || value instanceof Date) return canonicalJson(value);
  const hit = canonicalMemo.get(value);
  if (hit !== undefined) return hit;
  if (Array.isArray(value)) return `[${value.map(canonicalCached).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalCached(v)}`).join(",")}}`;
}

// ---------- values in PostgreSQL text form ----------

const t = (v: string | number | null | undefined): Val => (v === null || v === undefined ? null : String(v));
const ts = (d: Date) => d.toISOString();
const arr = (xs: string[]) => `{${xs.map((x) => `"${x.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;

// ---------- the seed ----------

type User = { id: string; department: string; fr: boolean };
type Body = { doc: unknown; text: string; html: string; tags: string[] };

function parsed(doc: unknown): { doc: unknown; text: string; html: string; hashtags: string[]; cashtags: string[] } {
  const p = parseRichText(doc);
  if (!p.ok) throw new Error(`seed: a generated document was refused: ${p.error}`);
  if (p.doc && typeof p.doc === "object") canonicalMemo.set(p.doc, canonicalJson(p.doc));
  return { doc: p.doc, text: p.text, html: p.html, hashtags: p.entities.hashtags, cashtags: p.entities.cashtags };
}

/** Pools of bodies parsed once by the real rich-text parser (doc, plain text, sanitised HTML, tags). */
function bodyPools(r: () => number) {
  const posts = { en: [] as Body[], fr: [] as Body[] };
  const replies = { en: [] as Body[], fr: [] as Body[] };
  const questions = { en: [] as (Body & { title: string })[], fr: [] as (Body & { title: string })[] };
  for (const fr of [false, true]) {
    const k = fr ? "fr" : "en";
    for (let i = 0; i < 120; i++) {
      const p = parsed(postDoc(r, fr));
      posts[k].push({ ...p, tags: [...new Set([...p.hashtags.map((h) => `#${h}`), ...p.cashtags.map((c) => `$${c}`)])] });
    }
    for (let i = 0; i < 20; i++) {
      const q = questionOf(r, fr);
      const p = parsed(q.doc);
      const tags = [...new Set([...q.tags.map((x) => `#${normalizeHashtag(x)}`), ...p.hashtags.map((h) => `#${normalizeHashtag(h)}`)])];
      questions[k].push({ ...p, title: q.title, tags });
    }
    for (let i = 0; i < 15; i++) replies[k].push({ ...parsed(replyDoc(r, fr)), tags: [] });
  }
  return { posts, replies, questions };
}

const ARCHIVE_COLS: Col[] = [["id", "bigint"], ["org_id", "text"], ["seq", "bigint"], ["subject_kind", "text"], ["subject_id", "text"], ["version", "int"], ["action", "text"], ["actor_id", "text"], ["at", "timestamptz"], ["data", "jsonb"], ["prev_hash", "text"], ["hash", "text"]];
const CONTENT_COLS: Col[] = [["id", "text"], ["org_id", "text"], ["kind", "text"], ["space_id", "text"], ["parent_id", "text"], ["author_id", "text"], ["title", "text"], ["body_json", "jsonb"], ["body_text", "text"], ["body_html", "text"], ["version", "int"], ["created_at", "timestamptz"], ["updated_at", "timestamptz"], ["root_id", "text"]];

type ContentRow = { id: string; kind: "post" | "comment" | "question" | "answer"; spaceId: string; parentId: string | null; authorId: string; title: string; body: Body; at: Date };

export async function seedScale(db: Db, o: ScaleOptions): Promise<ScaleReport> {
  registerConsumers(); // the few real commands below (spaces, nominations) emit events
  if (isPostgres(db)) await restoreLeftovers(db, o.indexStateFile);
  const r = rng(o.seed);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const progress = o.onProgress ?? (() => undefined);
  const seconds: Record<string, number> = {};
  let t0 = performance.now();
  const lap = (name: string) => {
    seconds[name] = Math.round((performance.now() - t0) / 100) / 10;
    t0 = performance.now();
  };
  const end = Date.now() - 3_600_000;
  const start = Date.parse(`${addDays(weekOf(new Date(end)), -7 * (o.weeks - 1))}T00:00:00Z`);

  // ---- organisation and people
  const org = await createOrg(`Scale Bank ${o.seed}-${Date.now().toString(36)}`, db);
  const emailDomain = `${org.id.slice(0, 8)}.scale.test`;
  const hash = await hashPassword(o.password);
  const users: User[] = [];
  const userRows: Val[][] = [];
  const managersByDept = new Map<string, string[]>();
  for (let i = 0; i < o.users; i++) {
    const region = REGIONS[i % REGIONS.length];
    const department = i < 4 ? ["IT", "Compliance", "Operations", "HR"][i] : pick(DEPARTMENTS);
    const roles = i === 0 ? ["admin", "member"] : i === 1 ? ["compliance", "member"] : i === 2 ? ["curator", "member"] : i === 3 ? ["hr", "member"] : ["member"];
    const id = newId();
    const managers = managersByDept.get(department) ?? [];
    // one person in twenty manages; the others report to a manager of their department
    const managerId = i % 20 === 5 || managers.length === 0 ? null : managers[i % managers.length];
    if (managerId === null && i >= 4) managersByDept.set(department, [...managers, id]);
    users.push({ id, department, fr: region.fr });
    userRows.push([
      id, org.id, `user${i}@${emailDomain}`, `${FIRST[i % FIRST.length]} ${LAST[(i * 7 + Math.floor(i / FIRST.length)) % LAST.length]}`,
      i === 0 ? "Head of Digital Workplace" : "Colleague", department, region.name, arr(region.fr ? ["fr", "en"] : ["en"]), managerId,
      region.fr ? "fr" : null, arr(roles), hash, ts(new Date(start - 30 * DAY)),
    ]);
  }
  await inTransaction(db, (l) =>
    l.rows("users", [["id", "text"], ["org_id", "text"], ["email", "text"], ["name", "text"], ["title", "text"], ["department", "text"], ["region", "text"], ["languages", "text[]"], ["manager_id", "text"], ["locale", "text"], ["roles", "text[]"], ["password_hash", "text"], ["created_at", "timestamptz"]], userRows),
  );
  progress("users", o.users, o.users);
  lap("users");

  // ---- spaces through the real command (audit chain, owner membership), members in bulk
  const admin = await loadViewer(db, users[0].id);
  const spaceIds: string[] = [];
  const members: string[][] = [];
  for (let s = 0; s < o.spaces; s++) {
    const topic = SPACE_TOPICS[s % SPACE_TOPICS.length];
    const region = REGIONS[Math.floor(s / SPACE_TOPICS.length) % REGIONS.length];
    const name = `${region.fr ? topic.fr : topic.en} — ${region.name}${s >= SPACE_TOPICS.length * REGIONS.length ? ` ${s}` : ""}`;
    const priv = s % 7 === 6;
    const row = await createSpace(admin, { name, slug: `s${s}-${topic.en.toLowerCase().replace(/[^a-z]+/g, "-")}`, description: `${topic.en} / ${topic.fr}`, visibility: priv ? "private" : "open", joinPolicy: priv ? "request" : "open" }, db);
    spaceIds.push(row.id);
    members.push([users[0].id]);
    progress("spaces", s + 1, o.spaces);
  }
  // popularity falls with the space's rank; everyone is in a handful of spaces
  const memberRows: Val[][] = [];
  const follows: Val[][] = [];
  for (let i = 1; i < users.length; i++) {
    const n = Math.min(spaceIds.length, 3 + Math.floor(r() * 8));
    const mine = new Set<number>();
    while (mine.size < n) mine.add(Math.floor(Math.pow(r(), 1.6) * spaceIds.length));
    for (const s of mine) {
      members[s].push(users[i].id);
      memberRows.push([spaceIds[s], users[i].id, "member", ts(new Date(start - 20 * DAY))]);
    }
    if (r() < 0.3) follows.push([users[i].id, "tag", users[i].fr ? "#taux" : "#rates", ts(new Date(start - 20 * DAY))]);
  }
  await inTransaction(db, async (l) => {
    await l.rows("space_members", [["space_id", "text"], ["user_id", "text"], ["role", "text"], ["created_at", "timestamptz"]], memberRows);
    await l.rows("follows", [["user_id", "text"], ["target_kind", "text"], ["target_id", "text"], ["created_at", "timestamptz"]], follows);
  });
  lap("spaces");

  // ---- content, chunk by chunk in time order
  const pools = bodyPools(r);
  lap("bodies");
  const byLang = <T,>(p: { en: T[]; fr: T[] }, u: User) => (u.fr && r() < 0.8) || (!u.fr && r() < 0.1) ? pick(p.fr) : pick(p.en);
  const userById = new Map(users.map((u) => [u.id, u]));
  const cpp = o.commentsPerPost ?? 0.8;
  const rpp = o.reactionsPerPost ?? 1.5;
  const qpp = o.questionsPerPost ?? 0.06;
  const pg = isPostgres(db);
  const superuser = (await query<{ su: string }>(db, sql`select current_setting('is_superuser') as su`))[0]?.su === "on";
  const bulk = (o.bulk ?? (pg && o.posts >= 20_000)) && superuser && pg;
  const chunk = o.chunk ?? (bulk ? 2000 : 500);
  const totals = { posts: 0, questions: 0, answers: 0, comments: 0, reactions: 0, archive: 0 };
  const poisson = (mean: number) => {
    // small means only: Knuth
    const L = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= r();
    } while (p > L && k < 50);
    return k - 1;
  };
  const span = end - start;
  // The chain continues from the head as the spaces left it; every chunk's write checks the
  // head still is where this process left it (nobody else writes to a new org meanwhile).
  const head0 = await inTransactionResult(db, async (l) => {
    await l.q(`insert into chain_heads (org_id, chain, seq, hash) values ($1, 'archive', 0, $2) on conflict do nothing`, [org.id, GENESIS]);
    const [h] = await l.q<{ seq: string | number; hash: string }>(`select seq, hash from chain_heads where org_id = $1 and chain = 'archive'`, [org.id]);
    return { seq: Number(h.seq), hash: h.hash };
  });
  let chainSeq = head0.seq;
  let chainPrev = head0.hash;
  const dbg = process.env.SCALE_DEBUG ? (what: string, t1: number) => console.error(`[seed] ${what} ${Math.round(performance.now() - t1)} ms`) : () => undefined;
  // Node builds and hashes the next chunk while PostgreSQL writes the previous one.
  const yieldNow = () => new Promise<void>((res) => setImmediate(res));

  const buildChunk = async (done: number) => {
    const tb = performance.now();
    const n = Math.min(chunk, o.posts - done);
    const nq = Math.round(n * qpp);
    const sliceStart = start + (span * done) / o.posts;
    const sliceLen = (span * n) / o.posts;
    const roots: ContentRow[] = [];
    const children: ContentRow[] = [];
    const reactions: { contentId: string; userId: string; kind: string; at: Date }[] = [];
    const questions: { row: ContentRow; firstAnswerAt: Date | null; accepted: ContentRow | null }[] = [];
    const archive: (Omit<ArchiveEntry, "at"> & { at: Date })[] = [];
    for (let i = 0; i < n + nq; i++) {
      if (i % 250 === 249) await yieldNow();
      const isQ = i >= n;
      // weekdays carry most of the traffic
      let at: Date;
      do at = new Date(sliceStart + r() * sliceLen);
      while ([0, 6].includes(at.getUTCDay()) && r() < 0.8);
      const s = Math.floor(Math.pow(r(), 1.6) * spaceIds.length);
      const author = userById.get(pick(members[s]))!;
      const q = isQ ? byLang(pools.questions, author) : null;
      const root: ContentRow = { id: newId(), kind: isQ ? "question" : "post", spaceId: spaceIds[s], parentId: null, authorId: author.id, title: q?.title ?? "", body: q ?? byLang(pools.posts, author), at };
      roots.push(root);
      const replies = isQ ? (r() < 0.7 ? 1 + poisson(0.8) : 0) : poisson(cpp);
      let tm = at.getTime();
      const mine: ContentRow[] = [];
      for (let k = 0; k < replies; k++) {
        tm += Math.floor(r() * (isQ ? 3 : 8) * 3_600_000) + 60_000;
        if (tm > end) break;
        const who = userById.get(pick(members[s]))!;
        const c: ContentRow = { id: newId(), kind: isQ ? "answer" : "comment", spaceId: spaceIds[s], parentId: root.id, authorId: who.id, title: "", body: byLang(pools.replies, who), at: new Date(tm) };
        children.push(c);
        mine.push(c);
      }
      const seen = new Set<string>();
      for (let k = poisson(rpp); k > 0; k--) {
        const who = pick(members[s]);
        const kind = pick(REACTIONS);
        const ra = new Date(Math.min(end, at.getTime() + Math.floor(r() * 2 * DAY) + 60_000));
        if (who === author.id || seen.has(`${who}:${kind}`)) continue;
        seen.add(`${who}:${kind}`);
        reactions.push({ contentId: root.id, userId: who, kind, at: ra });
      }
      if (isQ) {
        const accepted = mine.length && r() < 0.5 ? mine[0] : null;
        questions.push({ row: root, firstAnswerAt: mine[0]?.at ?? null, accepted });
      }
    }
    for (const c of [...roots, ...children]) {
      archive.push({
        orgId: org.id, subjectKind: c.kind, subjectId: c.id, version: 1, action: "create", actorId: c.authorId, at: c.at,
        // the version is what content.server.ts snapshot() records for a new row
        data: { kind: c.kind, spaceId: c.spaceId, parentId: c.parentId, authorId: c.authorId, title: c.title, body: c.body.doc, text: c.body.text, deleted: false, createdAt: c.at.toISOString() },
      });
    }
    for (const x of reactions) {
      archive.push({ orgId: org.id, subjectKind: "reaction", subjectId: `${x.contentId}:${x.userId}:${x.kind}`, version: 1, action: "react", actorId: x.userId, at: x.at, data: { contentId: x.contentId, userId: x.userId, reaction: x.kind, on: true } });
    }
    for (const q of questions) {
      if (!q.accepted) continue;
      const at = new Date(q.accepted.at.getTime() + 30 * 60_000);
      archive.push({ orgId: org.id, subjectKind: "acceptance", subjectId: `${q.row.id}:accepted`, version: 1, action: "accept", actorId: q.row.authorId, at, data: { questionId: q.row.id, answerId: q.accepted.id, previous: null } });
    }
    archive.sort((a, b) => a.at.getTime() - b.at.getTime());
    await yieldNow();

    // ids from the sequence (another connection: sequences are not transactional), then the
    // chain continued in memory from where the previous chunk ended
    const ids = (await query<{ id: string | number }>(db, sql`select nextval(pg_get_serial_sequence('archive_records', 'id')) as id from generate_series(1, ${archive.length}::int)`))
      .map((x) => Number(x.id))
      .sort((a, b) => a - b);
    const fromSeq = chainSeq;
    const fromHash = chainPrev;
    let prev = chainPrev;
    let seq = chainSeq;
    const archiveRows: Val[][] = [];
    for (const [k, e] of archive.entries()) {
      if (k % 500 === 499) await yieldNow();
      seq++;
      const record = archiveRecord({ ...e, id: ids[k], seq, at: e.at });
      const json = canonicalCached(record);
      // the app's chainHash through node:crypto (same bytes, many times faster), checked against
      // chainHash itself on each chunk's first record
      const h = createHash("sha256").update(`${prev}\n${json}`).digest("hex");
      if (k === 0 && h !== chainHash(prev, record)) throw new Error("seed: node:crypto and chainHash disagree");
      archiveRows.push([t(ids[k]), org.id, t(seq), e.subjectKind, e.subjectId, t(e.version), e.action, e.actorId, canonicalAt(e.at), canonicalCached(e.data), prev, h]);
      prev = h;
    }
    chainSeq = seq;
    chainPrev = prev;
    dbg("build+hash", tb);
    return { n, nq, roots, children, reactions, questions, archiveRows, fromSeq, fromHash, toSeq: seq, toHash: prev, done };
  };

  const writeChunk = async (b: Awaited<ReturnType<typeof buildChunk>>) => {
    const tw = performance.now();
    const { roots, children, reactions, questions, archiveRows } = b;
    await inTransaction(db, async (l) => {
      const [head] = await l.q<{ seq: string | number; hash: string }>(`select seq, hash from chain_heads where org_id = $1 and chain = 'archive' for update`, [org.id]);
      if (Number(head.seq) !== b.fromSeq || head.hash !== b.fromHash) throw new Error("seed: the org's archive chain moved during the bulk load");
      const contentRow = (c: ContentRow): Val[] => [c.id, org.id, c.kind, c.spaceId, c.parentId, c.authorId, c.title, canonicalCached(c.body.doc), c.body.text, c.body.html, "1", ts(c.at), ts(c.at), c.parentId];
      // roots first: the content_set_root trigger reads a child's parent
      await l.rows("content", CONTENT_COLS, roots.map(contentRow));
      await l.rows("content", CONTENT_COLS, children.map(contentRow));
      await l.rows(
        "content_tags",
        [["content_id", "text"], ["org_id", "text"], ["tag", "text"], ["created_at", "timestamptz"]],
        roots.flatMap((c) => c.body.tags.map((tag) => [c.id, org.id, tag, ts(c.at)])),
      );
      await l.rows("reactions", [["content_id", "text"], ["user_id", "text"], ["kind", "text"], ["created_at", "timestamptz"]], reactions.map((x) => [x.contentId, x.userId, x.kind, ts(x.at)]));
      const routeMs = Math.round(ORG_TARGET_MINUTES * ROUTE_FRACTION) * 60_000;
      await l.rows(
        "qa_questions",
        [["content_id", "text"], ["org_id", "text"], ["target_minutes", "int"], ["route_at", "timestamptz"], ["due_at", "timestamptz"], ["first_answer_at", "timestamptz"], ["routed_at", "timestamptz"], ["escalated_at", "timestamptz"], ["accepted_answer_id", "text"], ["created_at", "timestamptz"]],
        questions.map((q) => {
          const at = q.row.at.getTime();
          const routeAt = new Date(at + routeMs);
          const dueAt = new Date(at + ORG_TARGET_MINUTES * 60_000);
          const first = q.firstAnswerAt;
          // the response clock already ran over the past: routed/escalated where it would have
          const routed = (!first || first > routeAt) && routeAt.getTime() < end ? routeAt : null;
          const escalated = (!first || first > dueAt) && dueAt.getTime() < end ? dueAt : null;
          return [q.row.id, org.id, t(ORG_TARGET_MINUTES), ts(routeAt), ts(dueAt), first ? ts(first) : null, routed ? ts(routed) : null, escalated ? ts(escalated) : null, q.accepted?.id ?? null, ts(q.row.at)];
        }),
      );
      await l.rows("follows", [["user_id", "text"], ["target_kind", "text"], ["target_id", "text"], ["created_at", "timestamptz"]], questions.map((q) => [q.row.authorId, "question", q.row.id, ts(q.row.at)]));
      await l.rows(
        "analytics_accepted",
        [["answer_id", "text"], ["org_id", "text"], ["question_id", "text"], ["author_id", "text"], ["tags", "text[]"], ["accepted_at", "timestamptz"]],
        questions.filter((q) => q.accepted).map((q) => [q.accepted!.id, org.id, q.row.id, q.accepted!.authorId, arr(q.row.body.tags), ts(new Date(q.accepted!.at.getTime() + 30 * 60_000))]),
      );
      await l.rows("archive_records", ARCHIVE_COLS, archiveRows);
      await moveHead(l, org.id, archiveRows.length, b.toHash, superuser);
    }, { replica: bulk });
    totals.posts += b.n;
    totals.questions += b.nq;
    totals.answers += children.filter((c) => c.kind === "answer").length;
    totals.comments += children.filter((c) => c.kind === "comment").length;
    totals.reactions += reactions.length;
    totals.archive += archiveRows.length;
    dbg("write", tw);
    progress("content", b.done + b.n, o.posts);
  };

  const dropped = bulk ? await dropSecondaryIndexes(db, o.indexStateFile) : [];
  let writing: Promise<void> = Promise.resolve();
  try {
    for (let done = 0; done < o.posts; done += chunk) {
      const built = await buildChunk(done);
      await writing;
      writing = writeChunk(built);
      // a failed write is reported at the next await; keep it from being unhandled meanwhile
      writing.catch(() => undefined);
    }
    await writing;
  } finally {
    if (dropped.length) {
      lap("content");
      await rebuildIndexes(db, dropped, o.indexStateFile, (d, n) => progress("rebuild indexes", d, n));
    }
  }
  lap(dropped.length ? "indexes" : "content");
  if (bulk) {
    await checkBulkFacts(db, org.id);
    lap("checks");
  }

  // ---- best practices through the real nomination and review (archived, evented)
  const bp = o.bestPractices ?? Math.min(40, Math.max(5, Math.floor(o.posts / 2000)));
  const curator = await loadViewer(db, users[2].id);
  const candidates = await query<{ id: string; author_id: string }>(
    db,
    sql`select c.id, c.author_id from content c join spaces s on s.id = c.space_id
        where c.org_id = ${org.id} and c.kind = 'post' and s.visibility = 'open' and c.author_id <> ${users[2].id}
        order by c.created_at desc limit ${bp}`,
  );
  let approved = 0;
  const topics = ["fraud prevention", "client care", "rates", "onboarding", "online banking"];
  for (const [i, c] of candidates.entries()) {
    const nominator = users.find((u, k) => k > 3 && u.id !== c.author_id)!;
    const nv = await loadViewer(db, nominator.id);
    const nr = await nominate(nv, c.id, "Works well; other teams should copy it.", db).catch(() => null);
    if (!nr?.ok) continue;
    const d = await decide(curator, c.id, { decision: "approve", topic: topics[i % topics.length], ownerId: c.author_id, reverifyAt: new Date(Date.now() + 180 * DAY) }, db);
    if (d.ok) approved++;
    progress("best practices", i + 1, candidates.length);
  }
  lap("bestPractices");
  // the search reindex (Meilisearch's CPU, PostgreSQL reads) runs beside the activity and rollups
  let alongsideSeconds = 0;
  const tAlong = performance.now();
  const alongside = o.alongside
    ? o.alongside().then((x) => {
        alongsideSeconds = Math.round((performance.now() - tAlong) / 100) / 10;
        return x;
      })
    : Promise.resolve();
  alongside.catch(() => undefined);

  // ---- activity days (each person with their own habit), then the weekly rollups
  let activityDays = 0;
  const habit = users.map(() => 0.2 + 0.7 * r());
  const batch: Val[][] = [];
  const flush = async () => {
    if (!batch.length) return;
    await inTransaction(db, (l) => l.rows("analytics_activity", [["user_id", "text"], ["org_id", "text"], ["day", "date"]], batch));
    activityDays += batch.length;
    batch.length = 0;
  };
  for (let d = start; d < end - DAY; d += DAY) {
    const weekend = [0, 6].includes(new Date(d).getUTCDay());
    const day = isoDay(new Date(d));
    for (const [k, u] of users.entries()) if (r() < habit[k] * (weekend ? 0.1 : 1)) batch.push([u.id, org.id, day]);
    if (batch.length > 50_000) await flush();
  }
  await flush();
  lap("activity");
  if (o.rollup !== false) {
    const weeks: string[] = [];
    for (let w = weekOf(new Date(start)); w <= weekOf(new Date(end)); w = addDays(w, 7)) weeks.push(w);
    // two weeks at a time on PostgreSQL (each week is its own transaction under its own advisory lock)
    let rolled = 0;
    const todo = [...weeks];
    const lane = async () => {
      for (let w = todo.shift(); w; w = todo.shift()) {
        await rollupWeeks(db, org.id, w, w);
        progress("analytics rollups", ++rolled, weeks.length);
      }
    };
    await Promise.all(pg ? [lane(), lane()] : [lane()]);
    lap("rollups");
  }
  await alongside;
  if (o.alongside) {
    lap("waitAlongside");
    seconds.alongside = alongsideSeconds;
  }

  return {
    orgId: org.id,
    emailDomain,
    users: o.users,
    spaces: o.spaces,
    content: { posts: totals.posts, questions: totals.questions, answers: totals.answers, comments: totals.comments },
    reactions: totals.reactions,
    archiveRecords: totals.archive,
    activityDays,
    bestPractices: approved,
    seconds,
  };
}

/** The seeded org's sign-in for the n-th person (user0 is the administrator). */
export const scaleEmail = (domain: string, n: number) => `user${n}@${domain}`;
