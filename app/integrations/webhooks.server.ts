import { randomBytes } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { getDb, query, type Db, type DbOrTx } from "~/db/client.server";
import { deliveryLog, webhooks } from "~/db/schema";
import { authorizeOrg } from "~/policy/authorize.server";
import { loadContentFacts, loadUserFacts } from "~/policy/facts.server";
import { can, threadHeld, type Viewer } from "~/policy/policy";
import { loadViewer } from "~/policy/viewer.server";
import type { Consumer, DeliverContext, OutboxEvent } from "~/platform/outbox.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { newId } from "~/utils/ids";
import { deliveredIds, endpointError, logAttempt, postSigned, type EndpointError, type PostOutcome } from "./signed-http.server";

// Outgoing webhooks (issue 17). Org admins subscribe an HTTPS endpoint to event types; the
// signing secret is shown once. Deliveries come from the outbox (at least once, retried with
// backoff, then dead-lettered and redeliverable from the log). A subscription only ever
// receives events about what its owner — the admin who created it — may see, judged by the
// policy at delivery time (a post held by pre-approval is announced when it is published).

export const WEBHOOK_EVENTS = [
  "post.created",
  "comment.created",
  "question.created",
  "answer.created",
  "answer.accepted",
  "best_practice.approved",
  "user.deactivated",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
export const WEBHOOK_TOPICS = ["content.created", "content.published", "qa.answer.accepted", "discovery.approved", "user.deactivated"];
export const WEBHOOK_CONSUMER = "webhooks";

/** The subscription event type an outbox event stands for, or null. */
export function webhookEventOf(e: OutboxEvent): WebhookEvent | null {
  const p = e.payload as { kind?: string; held?: boolean };
  if (e.topic === "content.created" || e.topic === "content.published") {
    if (e.topic === "content.created" && p.held) return null; // announced by content.published
    const t = `${p.kind}.created`;
    return (WEBHOOK_EVENTS as readonly string[]).includes(t) ? (t as WebhookEvent) : null;
  }
  if (e.topic === "qa.answer.accepted") return "answer.accepted";
  if (e.topic === "discovery.approved") return "best_practice.approved";
  if (e.topic === "user.deactivated") return "user.deactivated";
  return null;
}

export const webhookIdempotencyKey = (webhookId: string, eventId: number) => `atrium:webhook:${webhookId}:${eventId}`;

type Payload = { id: string; type: WebhookEvent; created_at: string; organisation: string; data: Record<string, unknown> };

/**
 * The body one subscription receives for one event, or null when its owner may not see the
 * subject now (deactivated owner, hidden, deleted or held content): judged at delivery time.
 */
export async function webhookPayload(db: DbOrTx, owner: Viewer, webhookId: string, e: OutboxEvent, type: WebhookEvent): Promise<Payload | null> {
  const base = { id: webhookIdempotencyKey(webhookId, e.id), type, created_at: e.createdAt.toISOString(), organisation: e.orgId };
  if (type === "user.deactivated") {
    const u = await loadUserFacts(db, e.subjectId);
    if (!u || !can(owner, "read", u)) return null;
    const [row] = await query<{ name: string; department: string }>(db, sql`select name, department from users where id = ${u.id}`);
    return { ...base, data: { user: { id: u.id, name: row?.name ?? "", department: row?.department ?? "" } } };
  }
  const facts = (await loadContentFacts(db, [e.subjectId])).get(e.subjectId);
  if (!facts || threadHeld(facts) || !can(owner, "read", facts)) return null;
  const [c] = await query<{ title: string; body_text: string; root_id: string | null; parent_id: string | null; author_name: string; space_name: string | null }>(
    db,
    sql`select c.title, c.body_text, c.root_id, c.parent_id, u.name as author_name, s.name as space_name
        from content c join users u on u.id = c.author_id left join spaces s on s.id = c.space_id where c.id = ${e.subjectId}`,
  );
  return {
    ...base,
    data: {
      item: {
        id: facts.id,
        kind: facts.contentKind,
        thread_id: c?.root_id ?? facts.id,
        parent_id: c?.parent_id ?? null,
        title: c?.title ?? "",
        text: c?.body_text ?? "",
        author: { id: facts.authorId, name: c?.author_name ?? "" },
        space: facts.space ? { id: facts.space.id, name: c?.space_name ?? "" } : null,
      },
    },
  };
}

type Hook = typeof webhooks.$inferSelect;

async function sendOne(db: Db, hook: Hook, e: OutboxEvent, type: WebhookEvent, signal: AbortSignal): Promise<PostOutcome | null> {
  const owner = await loadViewer(db, hook.ownerId);
  const body = await webhookPayload(db, owner, hook.id, e, type);
  if (!body) return null; // nothing the owner may see: nothing sent, nothing logged
  const outcome = await postSigned({ url: hook.url, secret: hook.secret, idempotencyKey: body.id, eventType: type, body, signal });
  await logAttempt(db, { orgId: hook.orgId, target: hook.id, eventId: e.id, idempotencyKey: body.id, eventType: type, outcome });
  return outcome;
}

/** The network phase: every active subscription of the event's org and type; failures retry the batch (sent ones skipped). */
export async function deliverWebhooks(events: OutboxEvent[], ctx: DeliverContext) {
  const failures: string[] = [];
  const byOrg = new Map<string, Hook[]>();
  for (const e of events) {
    const type = webhookEventOf(e);
    if (!type) continue;
    if (!byOrg.has(e.orgId)) byOrg.set(e.orgId, await ctx.db.select().from(webhooks).where(and(eq(webhooks.orgId, e.orgId), eq(webhooks.active, true))));
    for (const hook of byOrg.get(e.orgId)!) {
      if (!hook.events.includes(type)) continue;
      if ((await deliveredIds(ctx.db, hook.id, [e.id])).size) continue;
      const outcome = await sendOne(ctx.db, hook, e, type, ctx.signal);
      if (outcome && !outcome.ok) failures.push(`${hook.id}/${e.id}: ${outcome.error}`);
    }
  }
  if (failures.length) throw new Error(`webhooks: ${failures.length} failed (${failures.slice(0, 3).join("; ")})`);
}

export const webhooksConsumer: Consumer = {
  name: WEBHOOK_CONSUMER,
  topics: WEBHOOK_TOPICS,
  deliver: deliverWebhooks,
  maxBackoffMs: 15 * 60_000,
  batchSize: 50,
  timeoutMs: 30_000,
};

// ---------- admin ----------

export const CreateWebhookSchema = z.object({
  intent: z.literal("create"),
  url: z.string().trim().min(1).max(2000),
  events: z
    .union([z.enum(WEBHOOK_EVENTS), z.array(z.enum(WEBHOOK_EVENTS)).max(WEBHOOK_EVENTS.length)])
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])]),
});
export const WebhookIntentSchema = z.discriminatedUnion("intent", [
  CreateWebhookSchema,
  z.object({ intent: z.literal("disable"), webhookId: z.string().min(1).max(64) }),
  z.object({ intent: z.literal("redeliver"), webhookId: z.string().min(1).max(64), eventId: z.coerce.number().int().positive() }),
]);
export type WebhookIntent = z.infer<typeof WebhookIntentSchema>;

export type CreateWebhookResult = { ok: true; id: string; secret: string } | { ok: false; field: "url"; error: EndpointError };

/** Creates a subscription owned by the admin; the secret is returned once and never shown again. */
export async function createWebhook(viewer: Viewer, input: { url: string; events: WebhookEvent[] }, db?: Db): Promise<CreateWebhookResult> {
  const { orgId, actorId } = authorizeOrg(viewer, "manage_webhooks");
  const bad = endpointError(input.url);
  if (bad) return { ok: false, field: "url", error: bad };
  const d = db ?? (await getDb());
  const id = newId();
  const secret = `whsec_${randomBytes(32).toString("base64url")}`;
  await runCommand(d, async (c) => {
    await c.tx.insert(webhooks).values({ id, orgId, ownerId: actorId, url: input.url, events: input.events, secret, active: true, createdAt: now() });
    await c.audit({ orgId, actorId, action: "webhook.create", targetKind: "webhook", targetId: id, data: { url: input.url, events: input.events } });
  });
  return { ok: true, id, secret };
}

export async function disableWebhook(viewer: Viewer, webhookId: string, db?: Db) {
  const { orgId, actorId } = authorizeOrg(viewer, "manage_webhooks");
  const d = db ?? (await getDb());
  await runCommand(d, async (c) => {
    const rows = await c.tx.update(webhooks).set({ active: false }).where(and(eq(webhooks.id, webhookId), eq(webhooks.orgId, orgId))).returning({ id: webhooks.id });
    if (!rows.length) notFound();
    await c.audit({ orgId, actorId, action: "webhook.disable", targetKind: "webhook", targetId: webhookId, data: {} });
  });
}

/** Sends one logged event again now (same idempotency key), under the same visibility rule. */
export async function redeliver(viewer: Viewer, webhookId: string, eventId: number, db?: Db): Promise<PostOutcome | null> {
  const { orgId } = authorizeOrg(viewer, "manage_webhooks");
  const d = db ?? (await getDb());
  const [hook] = await d.select().from(webhooks).where(and(eq(webhooks.id, webhookId), eq(webhooks.orgId, orgId)));
  const [logged] = await d.select({ id: deliveryLog.id }).from(deliveryLog).where(and(eq(deliveryLog.target, webhookId), eq(deliveryLog.eventId, eventId))).limit(1);
  if (!hook || !logged) notFound();
  const [row] = await query<{ id: string | number; org_id: string; topic: string; subject_id: string; payload: unknown; created_at: string | Date }>(
    d,
    sql`select id, org_id, topic, subject_id, payload, created_at from outbox_events where id = ${eventId} and org_id = ${orgId}`,
  );
  if (!row) notFound();
  const e: OutboxEvent = {
    id: Number(row.id),
    orgId: row.org_id,
    topic: row.topic,
    subjectId: row.subject_id,
    payload: (typeof row.payload === "string" ? JSON.parse(row.payload) : row.payload) as Record<string, unknown>,
    createdAt: new Date(row.created_at),
  };
  const type = webhookEventOf(e);
  if (!type) notFound();
  return sendOne(d, hook, e, type, AbortSignal.timeout(15_000));
}

/** The admin page: subscriptions (never their secrets) and the last attempts of each. */
export async function webhooksPage(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_webhooks");
  const d = db ?? (await getDb());
  const hooks = await d.select().from(webhooks).where(eq(webhooks.orgId, orgId)).orderBy(desc(webhooks.createdAt));
  const log = await d.select().from(deliveryLog).where(and(eq(deliveryLog.orgId, orgId), sql`${deliveryLog.target} <> 'archive'`)).orderBy(desc(deliveryLog.id)).limit(100);
  return {
    events: WEBHOOK_EVENTS,
    hooks: hooks.map((h) => ({ id: h.id, url: h.url, events: h.events, active: h.active, createdAt: h.createdAt.toISOString() })),
    log: log.map((l) => ({ id: l.id, webhookId: l.target, eventId: l.eventId, eventType: l.eventType, ok: l.ok, status: l.status, error: l.error, at: l.at.toISOString() })),
  };
}
