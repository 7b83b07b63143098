import { sql } from "drizzle-orm";
import type { Db, Tx } from "~/db/client.server";
import { emit, nudgeOutbox, type NewEvent } from "~/platform/outbox.server";
import { appendVersion, type ArchiveEntry } from "./archive.server";
import { appendAudit, type AuditEntry } from "./audit.server";

// The one way to write. A command runs its rows, their archive versions, audit entries
// and outbox events in one transaction — all of it commits or none of it does — and
// wakes this instance's outbox worker once the transaction has committed (never before:
// a worker must not look for events that may still roll back).

export type Command = {
  tx: Tx;
  /** Appends a version to the org's archive chain. */
  archive(entry: ArchiveEntry): Promise<{ id: number | string; seq: number; hash: string }>;
  /** Appends an entry to the org's audit chain. */
  audit(entry: AuditEntry): Promise<{ seq: number; hash: string }>;
  /** Appends an outbox event with one delivery per subscribed consumer. */
  emit(event: NewEvent): Promise<number>;
};

export async function runCommand<T>(db: Db, fn: (c: Command) => Promise<T>): Promise<T> {
  let emitted = 0;
  const result = await db.transaction((tx) =>
    fn({
      tx,
      archive: (entry) => appendVersion(tx, entry),
      audit: (entry) => appendAudit(tx, entry),
      emit: (event) => {
        emitted++;
        return emit(tx, event);
      },
    }),
  );
  if (emitted > 0) nudgeOutbox();
  return result;
}

/**
 * The retention purge path, the one way past the append-only triggers on archive_records,
 * audit_log, checkpoints and chain_heads (drizzle/0002_archive_integrity.sql): a command whose
 * transaction may UPDATE or DELETE them, and which must itself record an `expire` entry in the
 * archive chain, or it rolls back. The retention job and erasure (issue 15) are its only intended callers; the
 * runtime database role should hold no DELETE privilege on these tables at all (docs/archive.md).
 */
export async function withRetentionPurge<T>(db: Db, fn: (c: Command) => Promise<T>): Promise<T> {
  return runCommand(db, async (c) => {
    await c.tx.execute(sql`select set_config('atrium.retention_purge', 'on', true)`);
    let expired = false;
    const result = await fn({
      ...c,
      archive: (entry) => {
        if (entry.action === "expire" || entry.action === "erase") expired = true;
        return c.archive(entry);
      },
    });
    if (!expired) throw new Error("a retention purge must record an `expire` (or `erase`) entry in the archive");
    await c.tx.execute(sql`select set_config('atrium.retention_purge', 'off', true)`);
    return result;
  });
}
