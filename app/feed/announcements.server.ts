import { and, eq } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db } from "~/db/client.server";
import { announcements } from "~/db/schema";
import { loadContentFacts } from "~/policy/facts.server";
import { type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";

export async function pinAnnouncement(viewer: Viewer, contentId: string, endsAt: Date | null, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "pin", facts);
  await runCommand(d, async ({ tx, audit }) => {
    await tx
      .insert(announcements)
      .values({ contentId, orgId: facts.orgId, pinnedBy: viewer.id!, pinnedAt: now(), endsAt })
      .onConflictDoUpdate({ target: announcements.contentId, set: { endsAt, pinnedAt: now(), pinnedBy: viewer.id! } });
    await audit({ orgId: facts.orgId, actorId: viewer.id, action: "announcement.pin", targetKind: "content", targetId: contentId, data: { endsAt: endsAt?.toISOString() ?? null } });
  });
}

/**
 * Pins until the end of a calendar day (UTC) the pinner chose, or with no end. A day already over
 * is refused before anything is written.
 */
export async function pinUntilDay(viewer: Viewer, contentId: string, day: string | undefined): Promise<{ ok: true } | { ok: false; field: "endsAt"; error: "post.error.pinPast" }> {
  const endsAt = day ? new Date(`${day}T23:59:59.999Z`) : null;
  if (endsAt && (Number.isNaN(endsAt.getTime()) || endsAt <= now())) return { ok: false, field: "endsAt", error: "post.error.pinPast" };
  await pinAnnouncement(viewer, contentId, endsAt);
  return { ok: true };
}

export async function unpinAnnouncement(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "pin", facts);
  await runCommand(d, async ({ tx, audit }) => {
    const res = await tx.delete(announcements).where(and(eq(announcements.contentId, contentId), eq(announcements.orgId, facts.orgId))).returning();
    if (!res.length) notFound();
    await audit({ orgId: facts.orgId, actorId: viewer.id, action: "announcement.unpin", targetKind: "content", targetId: contentId, data: {} });
  });
}

/** One post with its comments, or 404 when the viewer may not see it. */
