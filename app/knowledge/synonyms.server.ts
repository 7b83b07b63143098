import { and, eq } from "drizzle-orm";
import { authorizeOrg } from "~/policy/authorize.server";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db } from "~/db/client.server";
import { searchSynonyms } from "~/db/schema";
import { type Viewer } from "~/policy/policy";
import { notFound } from "~/utils/http.server";
import { getSearchService } from "../../search/client";
import { indexUid } from "../../search/settings";

// Org admins manage synonyms (e.g. misspellings of the firm's own name). They are
// kept in Postgres and pushed to the index; Meilisearch synonyms are index-wide,
// so in a multi-organisation deployment every org's list applies to all searches.

const termRule = /^[\p{L}\p{N}][\p{L}\p{N} .&'-]{0,59}$/u;

export function normaliseSynonyms(term: string, list: string[]) {
  const t = term.trim().toLowerCase();
  const syns = [...new Set(list.map((s) => s.trim().toLowerCase()).filter((s) => s && s !== t))];
  if (!termRule.test(t) || syns.length === 0 || syns.length > 20 || syns.some((s) => !termRule.test(s))) return null;
  return { term: t, synonyms: syns };
}

export async function listSynonyms(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "manage_synonyms");
  return d.select().from(searchSynonyms).where(eq(searchSynonyms.orgId, orgId)).orderBy(searchSynonyms.term);
}

export async function setSynonyms(viewer: Viewer, term: string, list: string[], db?: Db) {
  const d = db ?? (await getDb());
  authorizeOrg(viewer, "manage_synonyms");
  const n = normaliseSynonyms(term, list);
  if (!n) throw new Response("Invalid synonyms", { status: 400 });
  await runCommand(d, async ({ tx, audit }) => {
    await tx
      .insert(searchSynonyms)
      .values({ orgId: viewer.orgId!, term: n.term, synonyms: n.synonyms, updatedBy: viewer.id! })
      .onConflictDoUpdate({ target: [searchSynonyms.orgId, searchSynonyms.term], set: { synonyms: n.synonyms, updatedBy: viewer.id! } });
    await audit({ orgId: viewer.orgId!, actorId: viewer.id, action: "search.synonyms.set", targetKind: "synonym", targetId: n.term, data: { synonyms: n.synonyms } });
  });
  await pushSynonyms(d).catch((e) => console.error("[search] synonyms not pushed yet:", (e as Error).message));
  return n;
}

export async function removeSynonyms(viewer: Viewer, term: string, db?: Db) {
  const d = db ?? (await getDb());
  authorizeOrg(viewer, "manage_synonyms");
  await runCommand(d, async ({ tx, audit }) => {
    const res = await tx.delete(searchSynonyms).where(and(eq(searchSynonyms.orgId, viewer.orgId!), eq(searchSynonyms.term, term))).returning();
    if (!res.length) notFound();
    await audit({ orgId: viewer.orgId!, actorId: viewer.id, action: "search.synonyms.remove", targetKind: "synonym", targetId: term, data: {} });
  });
  await pushSynonyms(d).catch((e) => console.error("[search] synonyms not pushed yet:", (e as Error).message));
}

/** Mutual synonyms: every word of a group finds the others. */
export async function pushSynonyms(db?: Db) {
  const d = db ?? (await getDb());
  const service = await getSearchService();
  if (!service) throw new Error("Meilisearch is unavailable");
  const rows = await d.select().from(searchSynonyms);
  const map: Record<string, Set<string>> = {};
  for (const r of rows) {
    const group = [r.term, ...r.synonyms];
    for (const w of group) {
      map[w] ??= new Set();
      for (const o of group) if (o !== w) map[w].add(o);
    }
  }
  const synonyms = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, [...v].sort()]));
  const task = await service.client.index(indexUid("content")).updateSynonyms(synonyms);
  await service.client.tasks.waitForTask(task.taskUid, { timeout: 30_000, interval: 50 });
}
