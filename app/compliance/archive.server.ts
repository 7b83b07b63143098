import { archiveRecords } from "~/db/schema";
import type { DbOrTx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { appendAndAdvance, canonicalAt, chainHash, lockHead, nextId } from "./chain.server";

export type ArchiveAction = "create" | "edit" | "delete" | "restore" | "react" | "unreact" | "moderate" | "expire" | "vote" | "accept" | "close" | "verify" | "approve" | "reject" | "resubmit" | "request" | "erase" | "decline";

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

/** What the hash covers: every stored column but the hashes themselves (prev_hash is chained in) and search_tsv (derived from data). */
export function archiveRecord(r: Omit<ArchiveEntry, "at"> & { id: number; seq: number; at: Date | string }) {
  return {
    id: r.id,
    orgId: r.orgId,
    seq: r.seq,
    subjectKind: r.subjectKind,
    subjectId: r.subjectId,
    version: r.version,
    action: r.action,
    actorId: r.actorId,
    at: typeof r.at === "string" ? r.at : canonicalAt(r.at),
    data: r.data,
  };
}

/** Appends one version to the org's archive chain, in the caller's transaction. */
export async function appendVersion(tx: DbOrTx, entry: ArchiveEntry) {
  // the row's id comes first, outside the chain lock (a sequence: ids need not follow seq, the hash covers them)
  const id = await nextId(tx, "archive_records");
  const head = await lockHead(tx, entry.orgId, "archive");
  const seq = head.seq + 1;
  const at = entry.at ?? now();
  const hash = chainHash(head.hash, archiveRecord({ ...entry, id, seq, at }));
  await appendAndAdvance(tx, tx.insert(archiveRecords).values({ ...entry, id, seq, at, prevHash: head.hash, hash }).getSQL(), entry.orgId, "archive", seq, hash);
  return { id, seq, hash };
}
