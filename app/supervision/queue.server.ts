import { sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { setContentHidden } from "~/content/content.server";
import { getDb, query, type Db } from "~/db/client.server";
import { authorizeOrg } from "~/policy/authorize.server";
import type { Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { forbidden, notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import type { Span } from "./lexicon.server";
import { SEVERITIES } from "./policies.server";

// The review queue: what lexicon policies matched and the random sample drew. Reviewers
// (compliance officers) mark items reviewed, escalate them, or hide them pending
// investigation with a reason shown to the author; they add notes. Every read of the queue
// and every decision is in the audit chain. Nobody reviews their own content: it is left
// out of their queue and any decision on it is refused.

import { FLAG_STATES } from "./vocabulary";
export { FLAG_STATES };
export type FlagState = (typeof FLAG_STATES)[number];

export const QueueFilter = z.object({
  state: z.enum([...FLAG_STATES, "all"]).default("open"),
  severity: z.enum([...SEVERITIES, ""]).default(""),
  policy: z.string().max(64).default(""), // a policy id, 'sample', or ''
  space: z.string().max(64).default(""),
  author: z.string().trim().max(254).default(""), // email or id
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export type QueueFilter = z.infer<typeof QueueFilter>;

export type FlagView = {
  id: string;
  contentId: string;
  contentKind: string;
  contentVersion: number;
  currentVersion: number;
  author: string;
  authorEmail: string;
  space: string | null;
  source: string;
  policy: string | null;
  severity: string;
  state: FlagState;
  text: string;
  spans: Span[];
  sample: { rate: number; draw: number; seedFingerprint: string; scope: string } | null;
  hiddenReason: string | null;
  createdAt: string;
  decidedBy: string | null;
  notes: Array<{ author: string; body: string; at: string }>;
};

export const PAGE_SIZE = 25;

type FlagRow = {
  id: string; content_id: string; kind: string; content_version: number; version: number; author: string; author_email: string; space: string | null;
  source: string; policy: string | null; severity: string; state: string; text: string; detail: unknown; hidden_reason: string | null; created_at: string; decided_by: string | null;
};

export async function listFlags(viewer: Viewer, filter: Partial<QueueFilter>, db?: Db): Promise<{ items: FlagView[]; total: number; page: number; pages: number }> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "compliance");
  const f = QueueFilter.parse(filter);
  const where = sql`f.org_id = ${orgId} and f.author_id <> ${actorId}
    ${f.state !== "all" ? sql`and f.state = ${f.state}` : sql``}
    ${f.severity ? sql`and f.severity = ${f.severity}` : sql``}
    ${f.policy === "sample" ? sql`and f.source = 'sample'` : f.policy ? sql`and f.policy_id = ${f.policy}` : sql``}
    ${f.space ? sql`and f.space_id = ${f.space}` : sql``}
    ${f.author ? sql`and (lower(au.email) = ${f.author.toLowerCase()} or au.id = ${f.author})` : sql``}`;
  return runCommand(d, async ({ tx, audit }) => {
    await audit({ orgId, actorId, action: "supervision.queue.view", targetKind: "org", targetId: orgId, data: { ...f } });
    const [{ n }] = await query<{ n: number }>(tx, sql`select count(*)::int as n from supervision_flags f join users au on au.id = f.author_id where ${where}`);
    const rows = await query<FlagRow>(
      tx,
      sql`select f.id, f.content_id, c.kind, f.content_version, c.version, au.name as author, au.email as author_email, s.name as space,
            f.source, p.name as policy, f.severity, f.state, f.text, f.detail, c.hidden_reason, f.created_at, du.name as decided_by
          from supervision_flags f join users au on au.id = f.author_id join content c on c.id = f.content_id
            left join spaces s on s.id = f.space_id left join supervision_policies p on p.id = f.policy_id left join users du on du.id = f.decided_by
          where ${where}
          order by case f.severity when 'high' then 0 when 'medium' then 1 else 2 end, f.created_at desc, f.id
          limit ${PAGE_SIZE} offset ${(f.page - 1) * PAGE_SIZE}`,
    );
    const notes = rows.length
      ? await query<{ flag_id: string; author: string; body: string; created_at: string }>(
          tx,
          sql`select n.flag_id, u.name as author, n.body, n.created_at from supervision_notes n join users u on u.id = n.author_id
              where n.flag_id in (${sql.join(rows.map((r) => sql`${r.id}`), sql`, `)}) order by n.created_at, n.id`,
        )
      : [];
    const items = rows.map((r): FlagView => {
      const detail = (typeof r.detail === "string" ? JSON.parse(r.detail) : r.detail) as { spans?: Span[]; sample?: FlagView["sample"] };
      return {
        id: r.id,
        contentId: r.content_id,
        contentKind: r.kind,
        contentVersion: Number(r.content_version),
        currentVersion: Number(r.version),
        author: r.author,
        authorEmail: r.author_email,
        space: r.space,
        source: r.source,
        policy: r.policy,
        severity: r.severity,
        state: r.state as FlagState,
        text: r.text,
        spans: cleanSpans(detail.spans ?? [], r.text.length),
        sample: detail.sample ?? null,
        hiddenReason: r.hidden_reason,
        createdAt: new Date(r.created_at).toISOString(),
        decidedBy: r.decided_by,
        notes: notes.filter((n) => n.flag_id === r.id).map((n) => ({ author: n.author, body: n.body, at: new Date(n.created_at).toISOString() })),
      };
    });
    return { items, total: Number(n), page: f.page, pages: Math.max(1, Math.ceil(Number(n) / PAGE_SIZE)) };
  });
}

/** Spans that fit the text, sorted and disjoint: the page slices the text by them (React escapes each piece). */
function cleanSpans(spans: Span[], length: number): Span[] {
  let end = 0;
  return [...spans]
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= length && s.start < s.end)
    .sort((a, b) => a.start - b.start)
    .filter((s) => (s.start >= end ? ((end = s.end), true) : false));
}

export const Decision = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("reviewed"), flagId: z.string().min(1).max(64), note: z.string().trim().max(2000).default("") }),
  z.object({ intent: z.literal("escalate"), flagId: z.string().min(1).max(64), note: z.string().trim().max(2000).default("") }),
  z.object({ intent: z.literal("hide"), flagId: z.string().min(1).max(64), reason: z.string().trim().min(3, "supervision.error.reason").max(500), note: z.string().trim().max(2000).default("") }),
  z.object({ intent: z.literal("unhide"), flagId: z.string().min(1).max(64), note: z.string().trim().max(2000).default("") }),
  z.object({ intent: z.literal("note"), flagId: z.string().min(1).max(64), note: z.string().trim().min(1).max(2000) }),
]);
export type Decision = z.infer<typeof Decision>;

const NEXT_STATE: Record<Exclude<Decision["intent"], "note">, FlagState> = { reviewed: "reviewed", escalate: "escalated", hide: "hidden", unhide: "reviewed" };

/** One reviewer decision on a flag (and its optional note), audited; hiding goes through the content write path. */
export async function decide(viewer: Viewer, input: Decision, db?: Db): Promise<FlagState> {
  const d = db ?? (await getDb());
  const { orgId, actorId } = authorizeOrg(viewer, "compliance");
  const parsed = Decision.safeParse(input);
  if (!parsed.success) throw new Response(parsed.error.issues[0]?.message ?? "invalid decision", { status: 400 });
  const dec = parsed.data;
  const [flag] = await query<{ id: string; content_id: string; author_id: string; state: string }>(
    d,
    sql`select id, content_id, author_id, state from supervision_flags where id = ${dec.flagId} and org_id = ${orgId}`,
  );
  if (!flag) notFound();
  if (flag.author_id === actorId) forbidden(); // nobody reviews their own content
  const t = now();
  const record = async (c: Parameters<NonNullable<Parameters<typeof setContentHidden>[4]>>[0]) => {
    const state = dec.intent === "note" ? (flag.state as FlagState) : NEXT_STATE[dec.intent];
    if (dec.intent !== "note") {
      // every open flag on the item follows a hide or unhide; other decisions touch this flag only
      const scope = dec.intent === "hide" || dec.intent === "unhide" ? sql`content_id = ${flag.content_id}` : sql`id = ${flag.id}`;
      await c.tx.execute(sql`update supervision_flags set state = ${state}, decided_by = ${actorId}, decided_at = ${t.toISOString()}::timestamptz where org_id = ${orgId} and ${scope}`);
    }
    if (dec.note) await c.tx.execute(sql`insert into supervision_notes (id, flag_id, author_id, body, created_at) values (${newId()}, ${flag.id}, ${actorId}, ${dec.note}, ${t.toISOString()}::timestamptz)`);
    await c.audit({
      orgId,
      actorId,
      action: `supervision.${dec.intent}`,
      targetKind: "content",
      targetId: flag.content_id,
      data: { flagId: flag.id, from: flag.state, to: state, ...(dec.note ? { note: dec.note } : {}), ...(dec.intent === "hide" ? { reason: dec.reason } : {}) },
    });
    return state;
  };
  if (dec.intent === "hide" || dec.intent === "unhide") {
    let state: FlagState = "hidden";
    await setContentHidden(viewer, flag.content_id, dec.intent === "hide" ? dec.reason : null, d, async (c) => {
      state = await record(c);
    });
    return state;
  }
  return runCommand(d, (c) => record(c));
}

/** The choices of the queue's filters: the org's policies and spaces (compliance only). */
export async function queueFilterOptions(viewer: Viewer, db?: Db) {
  const d = db ?? (await getDb());
  const { orgId } = authorizeOrg(viewer, "compliance");
  const [policies, spaces] = await Promise.all([
    query<{ id: string; name: string }>(d, sql`select id, name from supervision_policies where org_id = ${orgId} order by name`),
    query<{ id: string; name: string }>(d, sql`select id, name from spaces where org_id = ${orgId} order by name limit 500`),
  ]);
  return { policies, spaces };
}
