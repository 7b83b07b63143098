import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand, type Command } from "~/compliance/command.server";
import { getDb, query, type Db } from "~/db/client.server";
import { approvalDecisions, content, mentions, spaceApprovers, spaces } from "~/db/schema";
import { hydratePosts } from "~/content/hydrate.server";
import { authorize } from "~/policy/authorize.server";
import { loadContentFacts, loadSpaceFacts } from "~/policy/facts.server";
import { can, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import { getSpace } from "./spaces.server";

// Pre-approval spaces. A space's admins set 1 to 3 tiers and who approves each; a new
// thread there is held (content.approval = 'pending' at tier 1) and seen only by its author
// and the approvers of its current tier (policy.ts holdAllows) until every tier approves.
// A rejection returns it to its author with a reason; they may edit and resubmit it.
// Every decision is a command: the decision row, an archive version of the approval
// subject, an audit entry and outbox events (re-index; content.published on the last tier).

export const MAX_TIERS = 3;

export type ApprovalSettingsInput = { tiers: number; seats: { tier: number; userId: string }[] };
export type ApprovalSettingsResult = { ok: true } | { ok: false; field: "tiers" | "seats"; error: ApprovalSettingsError; tier?: number; count?: number };
export type ApprovalSettingsError = "approvals.settings.tierWithoutApprover" | "approvals.settings.notMember" | "approvals.settings.pendingBeyond";

/** The settings form's data: tiers, seats, and the members one may choose from (manage only). */
export async function approvalSettings(viewer: Viewer, spaceId: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.manage) notFound();
  const seats = await d.select({ tier: spaceApprovers.tier, userId: spaceApprovers.userId }).from(spaceApprovers).where(eq(spaceApprovers.spaceId, spaceId));
  const members = await query<{ id: string; name: string }>(
    d,
    sql`select u.id, u.name from space_members m join users u on u.id = m.user_id
        where m.space_id = ${spaceId} and u.status = 'active' order by u.name, u.id`,
  );
  return { tiers: space.approvalTiers, seats: seats.map((s) => `${s.tier}:${s.userId}`), members };
}

/** Space admins set the number of tiers and the approvers of each (members of the space). */
export async function setApprovalSettings(viewer: Viewer, spaceId: string, input: ApprovalSettingsInput, db?: Db): Promise<ApprovalSettingsResult> {
  const d = db ?? (await getDb());
  const { space, abilities } = await getSpace(viewer, { id: spaceId }, d);
  if (!abilities.manage) notFound();
  const seats = input.seats.filter((s) => s.tier >= 1 && s.tier <= input.tiers);
  for (let tier = 1; tier <= input.tiers; tier++) {
    if (!seats.some((s) => s.tier === tier)) return { ok: false, field: "seats", error: "approvals.settings.tierWithoutApprover", tier };
  }
  const memberIds = new Set(
    (
      await query<{ id: string }>(
        d,
        sql`select m.user_id as id from space_members m join users u on u.id = m.user_id where m.space_id = ${spaceId} and u.status = 'active'`,
      )
    ).map((r) => r.id),
  );
  if (seats.some((s) => !memberIds.has(s.userId))) return { ok: false, field: "seats", error: "approvals.settings.notMember" };
  return runCommand(d, async (c) => {
    const tx = c.tx;
    await tx.execute(sql`select id from spaces where id = ${spaceId} for update`);
    // posts waiting at a tier that would disappear must be decided first (nothing stranded)
    const [stranded] = await query<{ n: number }>(
      tx,
      sql`select count(*)::int as n from content where space_id = ${spaceId} and approval = 'pending' and approval_tier > ${input.tiers}`,
    );
    if (Number(stranded?.n ?? 0) > 0) return { ok: false as const, field: "tiers" as const, error: "approvals.settings.pendingBeyond" as const, count: Number(stranded.n) };
    await tx.update(spaces).set({ approvalTiers: input.tiers }).where(eq(spaces.id, spaceId));
    await tx.delete(spaceApprovers).where(eq(spaceApprovers.spaceId, spaceId));
    if (seats.length) await tx.insert(spaceApprovers).values(seats.map((s) => ({ spaceId, tier: s.tier, userId: s.userId, addedBy: viewer.id!, addedAt: now() })));
    await c.audit({
      orgId: space.orgId,
      actorId: viewer.id,
      action: "space.approval.settings",
      targetKind: "space",
      targetId: spaceId,
      data: { from: space.approvalTiers, to: input.tiers, seats: seats.map((s) => `${s.tier}:${s.userId}`).sort() },
    });
    await c.emit({ orgId: space.orgId, topic: "space.approval", subjectId: spaceId, payload: { tiers: input.tiers } });
    return { ok: true as const };
  });
}

export type Decision = { decision: "approve" } | { decision: "reject"; reason: string };
export type DecisionResult = { state: "pending"; tier: number } | { state: "published" } | { state: "rejected" };

async function recordDecision(c: Command, orgId: string, contentId: string, tier: number, decision: string, actorId: string, reason: string, at: Date) {
  await c.tx.insert(approvalDecisions).values({ id: newId(), orgId, contentId, tier, decision, actorId, reason, at });
  // the approval trail of an item is its own archive subject, versioned like reactions
  const subjectId = `${contentId}:approval`;
  const [prev] = await query<{ v: number | null }>(c.tx, sql`select max(version) as v from archive_records where subject_id = ${subjectId}`);
  await c.archive({
    orgId,
    subjectKind: "approval",
    subjectId,
    version: Number(prev?.v ?? 0) + 1,
    action: decision === "approve" ? "approve" : decision === "reject" ? "reject" : "resubmit",
    actorId,
    data: { contentId, tier, decision, reason },
    at,
  });
  await c.audit({ orgId, actorId, action: `content.approval.${decision}`, targetKind: "content", targetId: contentId, data: { tier, reason } });
}

/**
 * An approver of the current tier approves (the next tier, or published after the last) or
 * rejects with a reason. Never one's own item (policy: approve). A decision taken meanwhile
 * by another approver of the same tier wins: this one answers 409.
 */
export async function decideApproval(viewer: Viewer, contentId: string, input: Decision, db?: Db): Promise<DecisionResult> {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "approve", facts);
  if (input.decision === "reject" && !input.reason.trim()) throw new Response("A rejection needs a reason", { status: 400 });
  const tier = facts.hold!.tier;
  return runCommand(d, async (c) => {
    const tx = c.tx;
    const [row] = await query<{ approval: string | null; approval_tier: number | null; space_id: string; kind: string; author_id: string; parent_id: string | null; version: number }>(
      tx,
      sql`select approval, approval_tier, space_id, kind, author_id, parent_id, version from content where id = ${contentId} for update`,
    );
    if (!row || row.approval !== "pending" || Number(row.approval_tier) !== tier) throw new Response("Already decided", { status: 409 });
    const [space] = await tx.select({ tiers: spaces.approvalTiers }).from(spaces).where(eq(spaces.id, row.space_id));
    const at = now();
    let result: DecisionResult;
    if (input.decision === "reject") {
      await tx.update(content).set({ approval: "rejected" }).where(eq(content.id, contentId));
      result = { state: "rejected" };
    } else if (tier >= (space?.tiers ?? 0)) {
      await tx.update(content).set({ approval: null, approvalTier: null }).where(eq(content.id, contentId));
      result = { state: "published" };
    } else {
      await tx.update(content).set({ approvalTier: tier + 1 }).where(eq(content.id, contentId));
      result = { state: "pending", tier: tier + 1 };
    }
    await recordDecision(c, facts.orgId, contentId, tier, input.decision, viewer.id!, input.decision === "reject" ? input.reason.trim() : "", at);
    // content.* re-indexes the item with its new hold facts
    await c.emit({ orgId: facts.orgId, topic: "content.approval", subjectId: contentId, payload: { kind: row.kind, tier, decision: input.decision, state: result.state, authorId: row.author_id, actorId: viewer.id } });
    if (result.state === "published") {
      // news only now: mentions and watchers are told (notifications, listening), webhooks fire
      const mentioned = await tx.select({ userId: mentions.userId }).from(mentions).where(eq(mentions.contentId, contentId));
      await c.emit({
        orgId: facts.orgId,
        topic: "content.published",
        subjectId: contentId,
        payload: { kind: row.kind, version: row.version, authorId: row.author_id, parentId: row.parent_id, mentions: mentioned.map((m) => m.userId) },
      });
    }
    return result;
  });
}

/** The author sends a returned item back to the first tier (after editing it, usually). */
export async function resubmitHeld(viewer: Viewer, contentId: string, db?: Db) {
  const d = db ?? (await getDb());
  const facts = (await loadContentFacts(d, [contentId])).get(contentId);
  authorize(viewer, "resubmit", facts);
  await runCommand(d, async (c) => {
    const [row] = await query<{ approval: string | null; kind: string }>(c.tx, sql`select approval, kind from content where id = ${contentId} for update`);
    if (!row || row.approval !== "rejected") throw new Response("Already resubmitted", { status: 409 });
    await c.tx.update(content).set({ approval: "pending", approvalTier: 1 }).where(eq(content.id, contentId));
    await recordDecision(c, facts.orgId, contentId, 1, "resubmit", viewer.id!, "", now());
    await c.emit({ orgId: facts.orgId, topic: "content.approval", subjectId: contentId, payload: { kind: row.kind, tier: 1, decision: "resubmit", state: "pending", authorId: facts.authorId, actorId: viewer.id } });
  });
}

/**
 * The approvals page of a pre-approval space (members; 404 to others): what waits for the
 * viewer's tier (never their own), and the viewer's own held submissions with the last reason.
 */
export async function approvalsPage(viewer: Viewer, slug: string, db?: Db) {
  const d = db ?? (await getDb());
  const { space } = await getSpace(viewer, { slug }, d);
  const facts = await loadSpaceFacts(d, space.id);
  if (!facts || !can(viewer, "approvals", facts)) notFound();
  const myTiers = [...(viewer.approverTiers ?? [])].filter((k) => k.startsWith(`${space.id}:`)).map((k) => Number(k.slice(space.id.length + 1)));
  const waiting = myTiers.length
    ? await query<{ id: string; approval_tier: number }>(
        d,
        sql`select id, approval_tier from content
            where space_id = ${space.id} and approval = 'pending' and deleted_at is null and author_id <> ${viewer.id!}
              and approval_tier in (${sql.join(myTiers.map((t) => sql`${t}`), sql`, `)})
            order by created_at, id limit 200`,
      )
    : [];
  const mine = await query<{ id: string; approval: string; approval_tier: number; reason: string | null }>(
    d,
    sql`select c.id, c.approval, c.approval_tier,
          (select x.reason from approval_decisions x where x.content_id = c.id and x.decision = 'reject' order by x.at desc limit 1) as reason
        from content c where c.space_id = ${space.id} and c.author_id = ${viewer.id!} and c.approval is not null and c.deleted_at is null
        order by c.created_at desc, c.id limit 200`,
  );
  // hydrate re-checks every item with the policy
  const views = new Map((await hydratePosts(d, viewer, [...waiting.map((w) => w.id), ...mine.map((m) => m.id)])).map((p) => [p.id, p]));
  return {
    space: { id: space.id, slug: space.slug, name: space.name, tiers: space.approvalTiers },
    approverTiers: myTiers.sort(),
    queue: waiting.flatMap((w) => (views.has(w.id) ? [{ post: views.get(w.id)!, tier: Number(w.approval_tier) }] : [])),
    mine: mine.flatMap((m) =>
      views.has(m.id) ? [{ post: views.get(m.id)!, state: m.approval as "pending" | "rejected", tier: Number(m.approval_tier), reason: m.reason ?? "" }] : [],
    ),
  };
}

// ---------- forms ----------

const seatValue = z.string().regex(/^[1-3]:[A-Za-z0-9_-]{1,64}$/);
/** The settings form: tiers, and one checkbox "tier:userId" per approver seat. */
export const ApprovalSettingsSchema = z.object({
  intent: z.literal("approvals"),
  tiers: z.coerce.number().int().min(0).max(MAX_TIERS),
  seat: z
    .union([seatValue, z.array(seatValue).max(300)])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
});
export type ApprovalSettingsForm = z.infer<typeof ApprovalSettingsSchema>;

export const seatsOf = (form: ApprovalSettingsForm) =>
  [...new Set(form.seat)].map((s) => ({ tier: Number(s.slice(0, 1)), userId: s.slice(2) }));

const contentId = z.string().min(1).max(64);
export const ApprovalIntentSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), contentId }),
  z.object({ intent: z.literal("reject"), contentId, reason: z.string().trim().min(1).max(500) }),
  z.object({ intent: z.literal("resubmit"), contentId }),
]);
export type ApprovalIntent = z.infer<typeof ApprovalIntentSchema>;
export type ApprovalNotice = "approvals.notice.approved" | "approvals.notice.published" | "approvals.notice.rejected" | "approvals.notice.resubmitted";

/** The approvals page's actions; the item must belong to the page's space (else 404). */
export async function runApprovalIntent(viewer: Viewer, slug: string, input: ApprovalIntent, db?: Db): Promise<ApprovalNotice> {
  const d = db ?? (await getDb());
  const { space } = await getSpace(viewer, { slug }, d);
  const [row] = await d.select({ spaceId: content.spaceId }).from(content).where(eq(content.id, input.contentId));
  if (!row || row.spaceId !== space.id) notFound();
  if (input.intent === "resubmit") {
    await resubmitHeld(viewer, input.contentId, d);
    return "approvals.notice.resubmitted";
  }
  const r = await decideApproval(viewer, input.contentId, input.intent === "reject" ? { decision: "reject", reason: input.reason } : { decision: "approve" }, d);
  return r.state === "published" ? "approvals.notice.published" : r.state === "rejected" ? "approvals.notice.rejected" : "approvals.notice.approved";
}
