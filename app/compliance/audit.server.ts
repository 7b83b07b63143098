import { auditLog } from "~/db/schema";
import type { DbOrTx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { advanceHead, chainHash, lockHead } from "./chain.server";

export type AuditEntry = {
  orgId: string;
  actorId: string | null;
  action: string;
  targetKind: string;
  targetId: string;
  data: Record<string, unknown>;
};

export function auditRecord(r: AuditEntry & { seq: number; at: Date }) {
  return {
    orgId: r.orgId,
    seq: r.seq,
    actorId: r.actorId,
    action: r.action,
    targetKind: r.targetKind,
    targetId: r.targetId,
    data: r.data,
    at: r.at.toISOString(),
  };
}

/** Records a privileged read or act in the audit chain, inside the caller's transaction. */
export async function appendAudit(tx: DbOrTx, entry: AuditEntry) {
  const head = await lockHead(tx, entry.orgId, "audit");
  const seq = head.seq + 1;
  const at = now();
  const hash = chainHash(head.hash, auditRecord({ ...entry, seq, at }));
  await tx.insert(auditLog).values({ ...entry, seq, at, prevHash: head.hash, hash });
  await advanceHead(tx, entry.orgId, "audit", seq, hash);
  return { seq, hash };
}
