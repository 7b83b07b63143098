import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { sql, type SQL } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";

export type ChainName = "archive" | "audit";
export const GENESIS = "0".repeat(64);

/** JSON with keys sorted at every depth: the same record always serialises the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new Error("non-finite number in record");
    return JSON.stringify(value ?? null);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The canonical form of a stored timestamp: UTC with microseconds, the column's full
 * precision. Appends store JavaScript Dates (whole milliseconds), so the stored value is
 * exactly this string; verification reads the column at full precision (STORED_AT below)
 * and a change of one microsecond changes the hash.
 */
export function canonicalAt(at: Date): string {
  return at.toISOString().replace(/Z$/, "000Z");
}

/** SQL text that renders a timestamptz column exactly as canonicalAt renders a Date. */
export const storedAtText = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
export const storedAt = (column: string) => sql.raw(storedAtText(column));

/**
 * The id of the next row, taken before the insert so the hash can cover it (messages
 * name records by id: an id swapped between rows must break the chain).
 */
export async function nextId(tx: DbOrTx, table: "archive_records" | "audit_log"): Promise<number> {
  const [row] = await query<{ id: string | number }>(tx, sql`select nextval(pg_get_serial_sequence(${table}, 'id')) as id`);
  return Number(row.id);
}

export function sha256Hex(text: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(text)));
}

export function chainHash(prevHash: string, record: unknown): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(`${prevHash}\n${canonicalJson(record)}`)));
}

/**
 * Locks the chain head (one row per org and chain) so concurrent appends line up
 * one after another and the chain can never fork. Must run inside a transaction.
 * Every content write of an org waits here, so the locked section is kept to two round trips:
 * this lock (the head row exists after an org's first append) and `appendAndAdvance`.
 */
export async function lockHead(tx: DbOrTx, orgId: string, chain: ChainName) {
  const select = () =>
    query<{ seq: string | number; hash: string }>(tx, sql`select seq, hash from chain_heads where org_id = ${orgId} and chain = ${chain} for update`);
  let [head] = await select();
  if (!head) {
    await tx.execute(sql`insert into chain_heads (org_id, chain, seq, hash) values (${orgId}, ${chain}, 0, ${GENESIS}) on conflict do nothing`);
    [head] = await select();
  }
  return { seq: Number(head.seq), hash: head.hash };
}

/** Inserts a chained record (the insert statement given) and moves the head to it, in one statement. */
export async function appendAndAdvance(tx: DbOrTx, insert: SQL, orgId: string, chain: ChainName, seq: number, hash: string) {
  await tx.execute(
    sql`with appended as (${insert}) update chain_heads set seq = ${seq}, hash = ${hash} where org_id = ${orgId} and chain = ${chain}`,
  );
}
