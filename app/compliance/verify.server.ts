import type { KeyObject } from "node:crypto";
import { sql } from "drizzle-orm";
import { query, type Db, type DbOrTx } from "~/db/client.server";
import { archiveRecord } from "./archive.server";
import { auditRecord } from "./audit.server";
import { chainHash, GENESIS, storedAt, storedAtText, type ChainName } from "./chain.server";
import { checkSignature, signerOf, trustedCheckpointKeys, type SignedCheckpoint } from "./checkpoints.server";

export type VerifyReason =
  | "hash mismatch"
  | "broken link"
  | "sequence gap"
  | "sequence out of range"
  | "duplicate sequence"
  | "head mismatch"
  | "head missing"
  | "checkpoint mismatch"
  | "bad signature"
  | "unknown signing key"
  | "expire mismatch";

export type VerifyProblem = {
  chain: ChainName;
  orgId: string;
  /** The record concerned (for a gap: the first record after it); null when there is no such record. */
  id: number | null;
  /** The sequence number concerned (for a gap: the first missing number). */
  seq: number | null;
  reason: VerifyReason;
};

export type VerifyResult = { ok: boolean; checked: number; problem?: VerifyProblem };

export type { SignedCheckpoint as ExternalCheckpoint } from "./checkpoints.server";

const BATCH = 2000;
const toJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);
const CHAINS: ChainName[] = ["archive", "audit"];
const tableOf = (chain: ChainName) => (chain === "archive" ? sql.raw("archive_records") : sql.raw("audit_log"));

type StoredRow = Record<string, unknown> & { id: string | number; seq: string | number; org_id: string; at_text: string; prev_hash: string; hash: string };

/** Every stored column of a chain row (the timestamp at full precision), in chain order. */
const rowColumns = (chain: ChainName) =>
  chain === "archive"
    ? sql.raw(`id, org_id, seq, subject_kind, subject_id, version, action, actor_id, ${storedAtText("at")} as at_text, data, prev_hash, hash`)
    : sql.raw(`id, org_id, seq, actor_id, action, target_kind, target_id, ${storedAtText("at")} as at_text, data, prev_hash, hash`);

/** The hash a stored row should carry, given the hash before it. */
export function recomputeHash(chain: ChainName, prev: string, r: StoredRow): string {
  const common = { id: Number(r.id), orgId: String(r.org_id), seq: Number(r.seq), at: r.at_text, data: toJson(r.data) as Record<string, unknown> };
  const record =
    chain === "archive"
      ? archiveRecord({
          ...common,
          subjectKind: String(r.subject_kind),
          subjectId: String(r.subject_id),
          version: Number(r.version),
          action: r.action as never,
          actorId: String(r.actor_id),
        })
      : auditRecord({
          ...common,
          actorId: r.actor_id == null ? null : String(r.actor_id),
          action: String(r.action),
          targetKind: String(r.target_kind),
          targetId: String(r.target_id),
        });
  return chainHash(prev, record);
}

/**
 * Retention (issue 15) removes the content of a version: its `data` becomes
 * {"$expired": {"by": <id of the expire record>, "sha256": <sha256 of the canonical removed data>}}.
 * Its hash can no longer be recomputed, so the `expire` record, itself chained after it, carries
 * for each removed version its envelope (every column but data), prev_hash, hash and the data's
 * SHA-256. A removed row stands when all of those match what is stored; the expire record's
 * own hash is checked like any other row's. An erasure (app/records/erasure.server.ts) removes data
 * the same way, vouched for by its `erase` record.
 */
export const EXPIRED_KEY = "$expired";

export type ExpiredEntry = {
  id: number;
  seq: number;
  subjectKind: string;
  subjectId: string;
  version: number;
  action: string;
  actorId: string;
  at: string;
  prevHash: string;
  hash: string;
  sha256: string;
};

export function expiredMarker(data: unknown): { by: number; sha256: string } | null {
  const d = toJson(data) as Record<string, unknown> | null;
  const m = d && typeof d === "object" ? (d[EXPIRED_KEY] as { by?: unknown; sha256?: unknown } | undefined) : undefined;
  if (!m || typeof m !== "object") return null;
  return { by: Number(m.by), sha256: String(m.sha256) };
}

type ExpireCache = Map<number, { seq: number; orgId: string; entries: Map<number, ExpiredEntry> } | null>;

/** The hash a removed row stands for, when its expire record vouches for every stored column; null otherwise. */
export async function expiredRowHash(db: DbOrTx, r: StoredRow, cache: ExpireCache): Promise<string | null> {
  const marker = expiredMarker(r.data);
  if (!marker || !Number.isFinite(marker.by)) return null;
  if (!cache.has(marker.by)) {
    const [e] = await query<{ seq: string | number; org_id: string; action: string; data: unknown }>(
      db,
      sql`select seq, org_id, action, data from archive_records where id = ${marker.by}`,
    );
    const items = e && (e.action === "expire" || e.action === "erase") ? ((toJson(e.data) as { items?: ExpiredEntry[] }).items ?? []) : null;
    cache.set(marker.by, items ? { seq: Number(e.seq), orgId: e.org_id, entries: new Map(items.map((i) => [Number(i.id), i])) } : null);
  }
  const exp = cache.get(marker.by);
  const entry = exp?.entries.get(Number(r.id));
  if (!exp || !entry || exp.orgId !== r.org_id || exp.seq <= Number(r.seq)) return null;
  const same =
    entry.seq === Number(r.seq) &&
    entry.subjectKind === r.subject_kind &&
    entry.subjectId === r.subject_id &&
    entry.version === Number(r.version) &&
    entry.action === r.action &&
    entry.actorId === r.actor_id &&
    entry.at === r.at_text &&
    entry.prevHash === r.prev_hash &&
    entry.hash === r.hash &&
    entry.sha256 === marker.sha256;
  return same ? entry.hash : null;
}

async function totalRecords(db: Db, orgId?: string) {
  const where = orgId ? sql` where org_id = ${orgId}` : sql``;
  const [a] = await query<{ n: string | number }>(db, sql`select count(*) as n from archive_records${where}`);
  const [b] = await query<{ n: string | number }>(db, sql`select count(*) as n from audit_log${where}`);
  return Number(a.n) + Number(b.n);
}

/**
 * The chains that exist: every (org, chain) found in the records themselves, in the heads
 * or in any checkpoint. A chain whose head row was deleted is still walked (and reported).
 */
async function discoverChains(db: Db, orgId: string | undefined, checkpoints: SignedCheckpoint[]) {
  const where = orgId ? sql`where org_id = ${orgId}` : sql``;
  const rows = await query<{ org_id: string; chain: string }>(
    db,
    sql`select distinct org_id, 'archive' as chain from archive_records ${where}
        union select distinct org_id, 'audit' as chain from audit_log ${where}
        union select org_id, chain from chain_heads ${where}
        union select org_id, chain from checkpoints ${where}`,
  );
  const keys = new Set(rows.map((r) => `${r.org_id}|${r.chain}`));
  for (const c of checkpoints) keys.add(`${c.orgId}|${c.chain}`);
  return [...keys].sort().map((k) => {
    const [org, chain] = k.split("|");
    return { orgId: org, chain: chain as ChainName };
  });
}

/**
 * Walks every chain that exists in the tables, every row of it in (seq, id) order,
 * recomputing each hash from the stored columns. Stops at the first problem. Rows must run
 * 1, 2, … head with no gap, duplicate or stray number; the head row must exist and match;
 * every stored checkpoint and every checkpoint given from outside must carry a valid
 * signature and match the chain at its sequence number (a chain shorter than a checkpoint
 * means records were removed).
 */
export async function verifyArchive(
  db: Db,
  opts: { onProgress?: (done: number, total: number) => void; checkpoints?: SignedCheckpoint[]; publicKeys?: KeyObject[]; orgId?: string } = {},
): Promise<VerifyResult> {
  const total = await totalRecords(db, opts.orgId);
  let checked = 0;
  const fail = (problem: VerifyProblem): VerifyResult => ({ ok: false, checked, problem });

  const stored = await query<{ org_id: string; chain: ChainName; seq: string | number; hash: string; day: string; at: string; key_id: string | null; signature: string | null }>(
    db,
    sql`select org_id, chain, seq, hash, day, ${storedAt("at")} as at, key_id, signature from checkpoints
        ${opts.orgId ? sql`where org_id = ${opts.orgId}` : sql``} order by org_id, chain, seq`,
  );
  const all: SignedCheckpoint[] = [
    ...stored.map((s) => ({ v: 1 as const, orgId: s.org_id, chain: s.chain, seq: Number(s.seq), hash: s.hash, day: s.day, at: s.at, keyId: s.key_id ?? "", signature: s.signature ?? "" })),
    ...(opts.checkpoints ?? []).filter((c) => !opts.orgId || c.orgId === opts.orgId),
  ];
  // The installation's keys (current and retired) only when there is something to check (the key is created on first use).
  const keys = all.length ? (opts.publicKeys ?? trustedCheckpointKeys()) : [];
  for (const c of all) {
    const seq = Number(c.seq);
    const signer = signerOf(c, keys);
    if (!signer || !checkSignature(c, signer)) {
      return fail({ chain: c.chain, orgId: c.orgId, id: null, seq: Number.isFinite(seq) ? seq : null, reason: signer ? "bad signature" : "unknown signing key" });
    }
  }
  const expected = new Map<string, string[]>();
  for (const c of all) {
    const k = `${c.orgId}|${c.chain}|${c.seq}`;
    expected.set(k, [...(expected.get(k) ?? []), c.hash]);
  }

  for (const { orgId, chain } of await discoverChains(db, opts.orgId, all)) {
    if (!CHAINS.includes(chain)) return fail({ chain, orgId, id: null, seq: null, reason: "checkpoint mismatch" });
    const [head] = await query<{ seq: string | number; hash: string }>(db, sql`select seq, hash from chain_heads where org_id = ${orgId} and chain = ${chain}`);
    const headSeq = head ? Number(head.seq) : null;
    let prev = GENESIS;
    let lastSeq = 0;
    let lastId: number | null = null;
    let after = sql``;
    const expires: ExpireCache = new Map();
    for (;;) {
      const rows = await query<StoredRow>(
        db,
        sql`select ${rowColumns(chain)} from ${tableOf(chain)} where org_id = ${orgId} ${after} order by seq, id limit ${BATCH}`,
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const seq = Number(r.seq);
        const id = Number(r.id);
        const at = (reason: VerifyReason, s = seq) => fail({ chain, orgId, id, seq: s, reason });
        // Nothing outside 1..head is a legitimate record, whatever its hashes say.
        if (seq < 1 || (headSeq !== null && seq > headSeq)) return at("sequence out of range");
        if (seq === lastSeq) return at("duplicate sequence");
        if (seq !== lastSeq + 1) return at("sequence gap", lastSeq + 1);
        if (r.prev_hash !== prev) return at("broken link");
        let hash: string;
        if (chain === "archive" && expiredMarker(r.data)) {
          const vouched = await expiredRowHash(db, r, expires);
          if (vouched === null) return at("expire mismatch");
          hash = vouched;
        } else {
          hash = recomputeHash(chain, prev, r);
          if (hash !== r.hash) return at("hash mismatch");
        }
        if ((expected.get(`${orgId}|${chain}|${seq}`) ?? []).some((h) => h !== hash)) return at("checkpoint mismatch");
        prev = hash;
        lastSeq = seq;
        lastId = id;
        checked++;
      }
      const last = rows[rows.length - 1];
      after = sql`and (seq, id) > (${Number(last.seq)}, ${Number(last.id)})`;
      opts.onProgress?.(checked, total);
    }
    if (lastSeq > 0 && !head) return fail({ chain, orgId, id: lastId, seq: lastSeq, reason: "head missing" });
    if (headSeq !== null && headSeq > lastSeq) return fail({ chain, orgId, id: null, seq: lastSeq + 1, reason: "sequence gap" });
    if (head && head.hash !== prev) return fail({ chain, orgId, id: lastId, seq: lastSeq, reason: "head mismatch" });
    // A checkpoint beyond the end of the chain: records were removed since it was signed.
    for (const c of all) {
      if (c.orgId === orgId && c.chain === chain && Number(c.seq) > lastSeq) {
        return fail({ chain, orgId, id: null, seq: Number(c.seq), reason: "checkpoint mismatch" });
      }
    }
  }
  opts.onProgress?.(checked, total);
  return { ok: true, checked };
}

/**
 * Ids of the given chain rows that stand in the chain: seq within 1..head, exactly one row
 * at that seq, its own hash recomputes, and it links to the row before it. Histories and
 * exports use it so a forged or altered row is never shown as a legitimate version.
 */
export async function intactRowIds(db: DbOrTx, chain: ChainName, orgId: string, ids: number[]): Promise<Set<number>> {
  const ok = new Set<number>();
  if (ids.length === 0) return ok;
  const table = tableOf(chain);
  const [head] = await query<{ seq: string | number }>(db, sql`select seq from chain_heads where org_id = ${orgId} and chain = ${chain}`);
  if (!head) return ok;
  const idList = sql.join(ids.map((i) => sql`${i}`), sql`, `);
  const rows = await query<StoredRow & { prior: string | null; twins: string | number }>(
    db,
    sql`select ${rowColumns(chain)},
          (select p.hash from ${table} p where p.org_id = t.org_id and p.seq = t.seq - 1 limit 1) as prior,
          (select count(*) from ${table} d where d.org_id = t.org_id and d.seq = t.seq) as twins
        from ${table} t where t.org_id = ${orgId} and t.id in (${idList})`,
  );
  const expires: ExpireCache = new Map();
  for (const r of rows) {
    const seq = Number(r.seq);
    if (seq < 1 || seq > Number(head.seq) || Number(r.twins) !== 1) continue;
    const prior = seq === 1 ? GENESIS : r.prior;
    if (prior === null || r.prev_hash !== prior) continue;
    if (chain === "archive" && expiredMarker(r.data)) {
      if ((await expiredRowHash(db, r, expires)) !== r.hash) continue;
    } else if (recomputeHash(chain, r.prev_hash, r) !== r.hash) continue;
    ok.add(Number(r.id));
  }
  return ok;
}
