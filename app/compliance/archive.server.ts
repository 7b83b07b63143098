import { archiveRecords } from "~/db/schema";
import type { DbOrTx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { advanceHead, chainHash, lockHead } from "./chain.server";

export type ArchiveAction = "create" | "edit" | "delete" | "restore" | "react" | "unreact" | "moderate" | "expire" | "vote" | "accept" | "close" | "verify";

export type ArchiveEntry = {
  orgId: string;
  subjectKind: string;
  subjectId: string;
  version: number;
  action: ArchiveAction;
  actorId: string;
  /** The full state of this version: enough to re-create it. */
  data: Record<string, unknown>;
  at?: Date;
};

export function archiveRecord(r: Omit<ArchiveEntry, "at"> & { seq: number; at: Date }) {
  return {
    orgId: r.orgId,
    seq: r.seq,
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    version: r.version,
    action: r.action,
    actorId: r.actorId,
    at: r.at.toISOString(),
    data: r.data,
  };
}

/** Appends one version to the org's archive chain, in the caller's transaction. */
export async function appendVersion(tx: DbOrTx, entry: ArchiveEntry) {
  const head = await lockHead(tx, entry.orgId, "archive");
  const seq = head.seq + 1;
  const at = entry.at ?? now();
  const hash = chainHash(head.hash, archiveRecord({ ...entry, seq, at }));
  const [row] = await tx
    .insert(archiveRecords)
    .values({ ...entry, seq, at, prevHash: head.hash, hash })
    .returning({ id: archiveRecords.id });
  await advanceHead(tx, entry.orgId, "archive", seq, hash);
  return { id: row.id, seq, hash };
}
