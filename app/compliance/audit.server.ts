import { auditLog } from "~/db/schema";
import type { DbOrTx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { appendAndAdvance, canonicalAt, chainHash, lockHead, nextId } from "./chain.server";

export type AuditEntry = {
  orgId: string;
  actorId: string | null;
  action: string;
  targetKind: string;
  targetId: string;
  data: Record<string, unknown>;
};

/** What the hash covers: every stored column but the hashes themselves (prev_hash is chained in). */
export function auditRecord(r: AuditEntry & { id: number; seq: number; at: Date | string }) {
  return {
    id: r.id,
    orgId: r.orgId,
    seq: r.seq,
    actorId: r.actorId,
    action: r.action,
    targetKind: r.targetKind,
    targetId: r.targetId,
    data: r.data,
    at: typeof r.at === "string" ? r.at : canonicalAt(r.at),
  };
}

/** Records a privileged read or act in the audit chain, inside the caller's transaction. */
export async function appendAudit(tx: DbOrTx, entry: AuditEntry) {
  const id = await nextId(tx, "audit_log"); // outside the chain lock, as for archive versions
  const head = await lockHead(tx, entry.orgId, "audit");
  const seq = head.seq + 1;
  const at = now();
  const hash = chainHash(head.hash, auditRecord({ ...entry, id, seq, at }));
  await appendAndAdvance(tx, tx.insert(auditLog).values({ ...entry, id, seq, at, prevHash: head.hash, hash }).getSQL(), entry.orgId, "audit", seq, hash);
  return { seq, hash };
}
