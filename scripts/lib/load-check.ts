// What `npm run load` and `npm run chaos` share: signing people in through the real form,
// sampling the seeded org's spaces and posts, and the after-run check that every acknowledged
// write is in PostgreSQL, in the archive chain (each version's own hash and link recomputed
// by the app's intactRowIds) and in the search engine (the document fetched by id).
import { sql } from "drizzle-orm";
import { intactRowIds } from "../../app/compliance/verify.server";
import { query, type Db } from "../../app/db/client.server";
import { seededOrgId } from "./seeded-org";
import { signIn } from "./server-process";

export type Person = { id: string; email: string; cookie: string; spaces: string[] };
export type World = { orgId: string; people: Person[]; spaceSlugs: Map<string, string>; postsBySpace: Map<string, string[]> };

/** The newest organisation the scale seed made (or `orgId`), with up to `n` people who belong to an open space. */
export async function loadWorld(db: Db, n: number, orgId?: string): Promise<Omit<World, "people"> & { people: Omit<Person, "cookie">[] }> {
  const org = { id: await seededOrgId(db, orgId) };
  const open = await query<{ id: string; slug: string }>(db, sql`select id, slug from spaces where org_id = ${org.id} and visibility = 'open' order by created_at`);
  const spaceSlugs = new Map(open.map((s) => [s.id, s.slug]));
  const rows = await query<{ id: string; email: string; spaces: string[] }>(
    db,
    sql`select u.id, u.email, array_agg(m.space_id) as spaces from users u
        join space_members m on m.user_id = u.id join spaces s on s.id = m.space_id and s.visibility = 'open'
        where u.org_id = ${org.id} and u.status = 'active' and u.password_hash is not null
        group by u.id, u.email order by u.email limit ${n}`,
  );
  const postsBySpace = new Map<string, string[]>();
  for (const s of open) {
    const posts = await query<{ id: string }>(
      db,
      sql`select id from content where space_id = ${s.id} and kind = 'post' and deleted_at is null and approval is null order by created_at desc limit 40`,
    );
    postsBySpace.set(s.id, posts.map((p) => p.id));
  }
  return { orgId: org.id, spaceSlugs, postsBySpace, people: rows.map((r) => ({ id: r.id, email: r.email, spaces: (r.spaces ?? []).filter((x) => spaceSlugs.has(x)) })) };
}

/** Signs everyone in through POST /login (a few at a time: each is an argon2 verification). */
export async function signInAll(base: string, people: Omit<Person, "cookie">[], password: string, parallel = 6): Promise<Person[]> {
  const out: Person[] = new Array(people.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < people.length) {
        const i = next++;
        out[i] = { ...people[i], cookie: await signIn(base, people[i].email, password) };
      }
    }),
  );
  return out;
}

export type Ack =
  | { kind: "post" | "comment"; token: string; userId: string; id?: string }
  | { kind: "reaction"; postId: string; userId: string; reaction: string };

export type WriteCheck = {
  acknowledged: number;
  content: { acknowledged: number; inDatabase: number; inArchive: number; inIndex: number };
  reactions: { acknowledged: number; inDatabase: number; inArchive: number };
  lost: { database: string[]; archive: string[]; index: string[] };
  indexWaitSeconds: number;
};

export async function searchBacklog(base: string): Promise<number | null> {
  const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5_000) });
  const body = (await res.json()) as { backlog?: { consumers?: Record<string, { pending: number }> } | null };
  return body.backlog?.consumers?.search?.pending ?? null;
}

/**
 * Every acknowledged write: its row (content by its unique token, reactions by their key),
 * its archive version intact in the org's chain, and (content) its search document. Waits up
 * to `indexTimeoutMs` for the search backlog to drain (through /healthz at `base`) and for the
 * documents to appear.
 */
export async function checkWrites(
  db: Db,
  opts: { orgId: string; marker: string; acks: Ack[]; base: string; meili: { url: string; key: string; index?: string }; indexTimeoutMs?: number },
): Promise<WriteCheck> {
  const content = opts.acks.filter((a): a is Extract<Ack, { kind: "post" | "comment" }> => a.kind !== "reaction");
  const reactions = opts.acks.filter((a): a is Extract<Ack, { kind: "reaction" }> => a.kind === "reaction");
  const lost = { database: [] as string[], archive: [] as string[], index: [] as string[] };

  const rows = await query<{ id: string; body_text: string; author_id: string }>(
    db,
    sql`select id, body_text, author_id from content where org_id = ${opts.orgId} and body_text like ${`%${opts.marker}%`}`,
  );
  const tokenRe = new RegExp(`${opts.marker}w\\d+x\\d+`, "g");
  const byToken = new Map<string, string>();
  for (const r of rows) for (const m of r.body_text.matchAll(tokenRe)) byToken.set(m[0], r.id);
  const ids: string[] = [];
  for (const a of content) {
    const id = byToken.get(a.token);
    if (!id || (a.id && a.id !== id)) lost.database.push(`${a.kind} ${a.token}`);
    else ids.push(id);
  }

  // archive: the create version of each item and the latest version of each reaction, intact in the chain
  const reactionSubjects = [...new Set(reactions.map((r) => `${r.postId}:${r.userId}:${r.reaction}`))];
  const reactionRows = reactionSubjects.length
    ? await query<{ k: string }>(
        db,
        sql`select content_id || ':' || user_id || ':' || kind as k from reactions where content_id || ':' || user_id || ':' || kind in ${sql`(${sql.join(reactionSubjects.map((s) => sql`${s}`), sql`, `)})`}`,
      )
    : [];
  const present = new Set(reactionRows.map((r) => r.k));
  for (const s of reactionSubjects) if (!present.has(s)) lost.database.push(`reaction ${s}`);
  const subjects = [...ids, ...reactionSubjects];
  const versions: { id: string | number; subject_id: string; action: string }[] = [];
  for (let i = 0; i < subjects.length; i += 1000) {
    const part = subjects.slice(i, i + 1000);
    versions.push(
      ...(await query<{ id: string | number; subject_id: string; action: string }>(
        db,
        sql`select distinct on (subject_id) id, subject_id, action from archive_records
            where org_id = ${opts.orgId} and subject_id in (${sql.join(part.map((s) => sql`${s}`), sql`, `)}) order by subject_id, version desc`,
      )),
    );
  }
  const intact = new Set<number>();
  for (let i = 0; i < versions.length; i += 500) {
    for (const id of await intactRowIds(db, "archive", opts.orgId, versions.slice(i, i + 500).map((v) => Number(v.id)))) intact.add(id);
  }
  const archived = new Set(versions.filter((v) => intact.has(Number(v.id)) && v.action !== "unreact").map((v) => v.subject_id));
  for (const s of subjects) if (!archived.has(s)) lost.archive.push(s);

  // index: every document fetched by id, the missing ones again each second until the deadline
  const t0 = performance.now();
  const timeout = opts.indexTimeoutMs ?? 180_000;
  const index = opts.meili.index ?? "atrium_content";
  const missing = async (among: string[]) => {
    const out: string[] = [];
    let k = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (k < among.length) {
          const id = among[k++];
          const res = await fetch(`${opts.meili.url}/indexes/${index}/documents/${id}?fields=id`, { headers: { Authorization: `Bearer ${opts.meili.key}` } }).catch(() => null);
          if (res?.status !== 200) out.push(id);
          await res?.body?.cancel().catch(() => undefined);
        }
      }),
    );
    return out;
  };
  let notIndexed = await missing(ids);
  while (notIndexed.length && performance.now() - t0 < timeout) {
    await new Promise((r) => setTimeout(r, 1000));
    notIndexed = await missing(notIndexed);
  }
  lost.index = notIndexed;
  return {
    acknowledged: opts.acks.length,
    content: { acknowledged: content.length, inDatabase: ids.length, inArchive: ids.filter((i) => archived.has(i)).length, inIndex: ids.length - notIndexed.length },
    reactions: { acknowledged: reactionSubjects.length, inDatabase: present.size, inArchive: reactionSubjects.filter((s) => archived.has(s)).length },
    lost,
    indexWaitSeconds: Math.round((performance.now() - t0) / 100) / 10,
  };
}

export const lostCount = (c: WriteCheck) => c.lost.database.length + c.lost.archive.length + c.lost.index.length;
