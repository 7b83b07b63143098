import { sql } from "drizzle-orm";
import { query, type Db } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { archiveRecord } from "./archive.server";
import { auditRecord } from "./audit.server";
import { chainHash, GENESIS, type ChainName } from "./chain.server";

export type VerifyProblem = {
  chain: ChainName;
  orgId: string;
  id: number;
  seq: number;
  reason: "hash mismatch" | "broken link" | "sequence gap" | "head mismatch" | "checkpoint mismatch";
};

export type VerifyResult = { ok: boolean; checked: number; problem?: VerifyProblem };

export type ExternalCheckpoint = { orgId: string; chain: ChainName; seq: number; hash: string; day?: string };

const BATCH = 2000;
const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));
const toJson = (v: unknown) => (typeof v === "string" ? JSON.parse(v) : v);

async function totalRecords(db: Db, orgId?: string) {
  const where = orgId ? sql` where org_id = ${orgId}` : sql``;
  const [a] = await query<{ n: string | number }>(db, sql`select count(*) as n from archive_records${where}`);
  const [b] = await query<{ n: string | number }>(db, sql`select count(*) as n from audit_log${where}`);
  return Number(a.n) + Number(b.n);
}

/**
 * Walks every org's archive and audit chains in order, recomputing each hash from
 * the stored columns. Stops at the first broken record. Also checks the chain heads,
 * the stored daily checkpoints and any checkpoints given from outside.
 */
export async function verifyArchive(
  db: Db,
  opts: { onProgress?: (done: number, total: number) => void; checkpoints?: ExternalCheckpoint[]; orgId?: string } = {},
): Promise<VerifyResult> {
  const total = await totalRecords(db, opts.orgId);
  let checked = 0;
  const chains = await query<{ org_id: string; chain: ChainName; seq: string | number; hash: string }>(
    db,
    opts.orgId
      ? sql`select org_id, chain, seq, hash from chain_heads where org_id = ${opts.orgId} order by chain`
      : sql`select org_id, chain, seq, hash from chain_heads order by org_id, chain`,
  );
  const stored = await query<{ org_id: string; chain: ChainName; seq: string | number; hash: string }>(
    db,
    opts.orgId ? sql`select org_id, chain, seq, hash from checkpoints where org_id = ${opts.orgId}` : sql`select org_id, chain, seq, hash from checkpoints`,
  );
  const expected = new Map<string, string>();
  const external = (opts.checkpoints ?? []).filter((c) => !opts.orgId || c.orgId === opts.orgId);
  for (const c of [...stored.map((s) => ({ orgId: s.org_id, chain: s.chain, seq: Number(s.seq), hash: s.hash })), ...external]) {
    expected.set(`${c.orgId}|${c.chain}|${c.seq}`, c.hash);
  }

  for (const head of chains) {
    const table = head.chain === "archive" ? sql`archive_records` : sql`audit_log`;
    let prev = GENESIS;
    let expectSeq = 1;
    let lastId = 0;
    let lastSeq = 0;
    for (;;) {
      const rows = await query<Record<string, unknown>>(
        db,
        sql`select * from ${table} where org_id = ${head.org_id} and seq >= ${expectSeq} order by seq limit ${BATCH}`,
      );
      if (rows.length === 0) break;
      for (const r of rows) {
        const seq = Number(r.seq);
        const id = Number(r.id);
        const fail = (reason: VerifyProblem["reason"]): VerifyResult => ({
          ok: false,
          checked,
          problem: { chain: head.chain, orgId: head.org_id, id, seq, reason },
        });
        if (seq !== expectSeq) return fail("sequence gap");
        if (r.prev_hash !== prev) return fail("broken link");
        const record =
          head.chain === "archive"
            ? archiveRecord({
                orgId: String(r.org_id),
                seq,
                subjectKind: String(r.subject_kind),
                subjectId: String(r.subject_id),
                version: Number(r.version),
                action: r.action as never,
                actorId: String(r.actor_id),
                at: toDate(r.at),
                data: toJson(r.data),
              })
            : auditRecord({
                orgId: String(r.org_id),
                seq,
                actorId: r.actor_id == null ? null : String(r.actor_id),
                action: String(r.action),
                targetKind: String(r.target_kind),
                targetId: String(r.target_id),
                data: toJson(r.data),
                at: toDate(r.at),
              });
        const hash = chainHash(prev, record);
        if (hash !== r.hash) return fail("hash mismatch");
        const cp = expected.get(`${head.org_id}|${head.chain}|${seq}`);
        if (cp !== undefined && cp !== hash) return fail("checkpoint mismatch");
        prev = hash;
        expectSeq = seq + 1;
        lastId = id;
        lastSeq = seq;
        checked++;
      }
      opts.onProgress?.(checked, total);
    }
    if (Number(head.seq) !== lastSeq || head.hash !== prev) {
      return { ok: false, checked, problem: { chain: head.chain, orgId: head.org_id, id: lastId, seq: lastSeq, reason: "head mismatch" } };
    }
  }
  // A checkpoint that points past the end of its chain means records were removed.
  for (const [key] of expected) {
    const [orgId, chain, seqStr] = key.split("|");
    const head = chains.find((c) => c.org_id === orgId && c.chain === chain);
    if (!head || Number(head.seq) < Number(seqStr)) {
      return { ok: false, checked, problem: { chain: chain as ChainName, orgId, id: 0, seq: Number(seqStr), reason: "checkpoint mismatch" } };
    }
  }
  opts.onProgress?.(checked, total);
  return { ok: true, checked };
}

/** Records today's head of every chain; unique per org, chain and day, so any number of instances may run it. */
export async function createDailyCheckpoints(db: Db) {
  const t = now();
  const day = t.toISOString().slice(0, 10);
  await db.execute(
    sql`insert into checkpoints (org_id, chain, seq, hash, day, at)
        select org_id, chain, seq, hash, ${day}, ${t.toISOString()}::timestamptz from chain_heads where seq > 0
        on conflict (org_id, chain, day) do nothing`,
  );
}

export async function exportCheckpoints(db: Db, orgId?: string): Promise<ExternalCheckpoint[]> {
  const rows = await query<{ org_id: string; chain: ChainName; seq: string | number; hash: string; day: string }>(
    db,
    orgId
      ? sql`select org_id, chain, seq, hash, day from checkpoints where org_id = ${orgId} order by day, chain`
      : sql`select org_id, chain, seq, hash, day from checkpoints order by org_id, day, chain`,
  );
  return rows.map((r) => ({ orgId: r.org_id, chain: r.chain, seq: Number(r.seq), hash: r.hash, day: r.day }));
}
