import { and, eq } from "drizzle-orm";
import { authorize } from "~/policy/authorize.server";
import { getDb, type Db } from "~/db/client.server";
import { follows } from "~/db/schema";
import { loadSpaceFacts, loadUserFacts } from "~/policy/facts.server";
import { type Viewer } from "~/policy/policy";
import { forbidden } from "~/utils/http.server";


export type FollowKind = "user" | "space" | "tag" | "topic";

export async function setFollow(viewer: Viewer, kind: FollowKind, targetId: string, on: boolean, db?: Db) {
  const d = db ?? (await getDb());
  if (!viewer.id || !viewer.orgId) forbidden();
  if (kind === "user") {
    const facts = await loadUserFacts(d, targetId);
    authorize(viewer, "read", facts);
  } else if (kind === "space") {
    const facts = await loadSpaceFacts(d, targetId);
    authorize(viewer, "read", facts);
  }
  if (on) {
    await d.insert(follows).values({ userId: viewer.id, targetKind: kind, targetId }).onConflictDoNothing();
  } else {
    await d.delete(follows).where(and(eq(follows.userId, viewer.id), eq(follows.targetKind, kind), eq(follows.targetId, targetId)));
  }
}

export async function isFollowingTopic(viewer: Viewer, topic: string, db?: Db): Promise<boolean> {
  if (!viewer.id) return false;
  const d = db ?? (await getDb());
  const rows = await d
    .select({ t: follows.targetId })
    .from(follows)
    .where(and(eq(follows.userId, viewer.id), eq(follows.targetKind, "topic"), eq(follows.targetId, topic)));
  return rows.length > 0;
}
