import { and, eq, inArray } from "drizzle-orm";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db } from "~/db/client.server";
import { users } from "~/db/schema";
import { loadContentFacts } from "~/policy/facts.server";
import { can, threadClosed, type Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { archivedVersions, contentHistory } from "./content.server";

export type HistoryVersion = {
  version: number;
  action: string;
  actorName: string | null;
  at: string;
  text: string;
  /** A delete version: shown as a tombstone, its text only to compliance. */
  tombstone: boolean;
};

/**
 * The visible edit history of a post or comment. Readers get contentHistory (it 404s
 * for what they may not read). Compliance also reaches deleted items and the comments
 * of deleted posts (a closed thread): that read is recorded in the audit chain.
 * Everyone else gets 404 for them.
 */
export async function postHistory(viewer: Viewer, id: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [id])).get(id);
  if (!facts) notFound();
  const reviewing = can(viewer, "review", facts);
  let rows: Awaited<ReturnType<typeof contentHistory>>;
  if (can(viewer, "history", facts)) {
    rows = await contentHistory(viewer, id, d);
  } else if (reviewing && threadClosed(facts)) {
    rows = await runCommand(d, async ({ tx, audit }) => {
      await audit({ orgId: facts.orgId, actorId: viewer.id, action: "content.review_history", targetKind: "content", targetId: id, data: {} });
      return archivedVersions(tx, facts.orgId, id);
    });
  } else {
    notFound();
  }

  const actorIds = [...new Set(rows.map((r) => r.actor_id))];
  const names = actorIds.length
    ? await d.select({ id: users.id, name: users.name }).from(users).where(and(eq(users.orgId, facts.orgId), inArray(users.id, actorIds)))
    : [];
  const nameOf = new Map(names.map((n) => [n.id, n.name]));
  const versions: HistoryVersion[] = rows.map((r) => {
    const tombstone = r.action === "delete";
    return {
      version: Number(r.version),
      action: r.action,
      actorName: nameOf.get(r.actor_id) ?? null,
      at: new Date(r.at).toISOString(),
      text: tombstone && !reviewing ? "" : String(r.data?.text ?? ""),
      tombstone,
    };
  });

  return {
    item: { id, kind: facts.contentKind, deleted: facts.deleted, postId: facts.root?.id ?? id },
    versions,
    reviewing,
  };
}
