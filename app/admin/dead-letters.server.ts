import { sql } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { type Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { deadLetters, retryDead } from "~/platform/outbox.server";

// The dead-letter queue as an org admin sees it: only their org's events, and to
// anyone else the page does not exist.

export function requireDeadLetterViewer(viewer: Viewer): string {
  return authorizeOrg(viewer, "view_dead_letters").orgId;
}

export type DeadLetter = { eventId: number; consumer: string; topic: string; subjectId: string; attempts: number; lastError: string };

export async function deadLettersAs(viewer: Viewer): Promise<DeadLetter[]> {
  const orgId = requireDeadLetterViewer(viewer);
  const rows = await deadLetters(orgId);
  return rows.map((r) => ({
    eventId: Number(r.event_id),
    consumer: r.consumer,
    topic: r.topic,
    subjectId: r.subject_id,
    attempts: Number(r.attempts),
    lastError: r.last_error ?? "",
  }));
}

/** Requeues one dead delivery of the viewer's org, recorded in the audit chain with the change. */
export async function retryDeadAs(viewer: Viewer, eventId: number, consumer: string, db?: Db) {
  const orgId = requireDeadLetterViewer(viewer);
  const d = db ?? (await getDb());
  await runCommand(d, async ({ tx, audit }) => {
    // Another org's event, or one that is no longer dead, is not there to retry.
    const [row] = await query<{ attempts: number }>(
      tx,
      sql`select d.attempts from outbox_deliveries d join outbox_events e on e.id = d.event_id
          where d.event_id = ${eventId} and d.consumer = ${consumer} and d.status = 'dead' and e.org_id = ${orgId}
          for update of d`,
    );
    if (!row) notFound();
    await retryDead(eventId, consumer, tx);
    await audit({
      orgId,
      actorId: viewer.id,
      action: "outbox.retry",
      targetKind: "outbox_event",
      targetId: String(eventId),
      data: { consumer, attempts: Number(row.attempts) },
    });
  });
}
