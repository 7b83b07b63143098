import { createHmac, timingSafeEqual } from "node:crypto";
import { query, type DbOrTx } from "~/db/client.server";
import { deliveryLog } from "~/db/schema";
import { env } from "~/env.server";
import { now } from "~/utils/clock.server";
import { sql } from "drizzle-orm";

// The one outbound HTTP delivery mechanism (webhooks, the archive stream). Every request
// is a POST of one JSON body, signed with HMAC-SHA256 over "<timestamp>.<body>" (the
// Slack/Stripe scheme, so a receiver can refuse replays of old timestamps), carrying an
// idempotency key the receiver de-duplicates on: delivery is at least once. Called only
// from an outbox consumer's `deliver` phase, outside any transaction, under its deadline.

export const SIGNATURE_HEADER = "Atrium-Signature";
export const TIMESTAMP_HEADER = "Atrium-Timestamp";
export const IDEMPOTENCY_HEADER = "Idempotency-Key";
export const EVENT_HEADER = "Atrium-Event";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

export type EndpointError = "integrations.endpoint.invalid" | "integrations.endpoint.https";

/** https:// only; http:// to a loopback address when INTEGRATIONS_ALLOW_HTTP_LOOPBACK is on (tests). */
export function endpointError(raw: string): EndpointError | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "integrations.endpoint.invalid";
  }
  if (url.username || url.password || url.hash) return "integrations.endpoint.invalid";
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && env().INTEGRATIONS_ALLOW_HTTP_LOOPBACK && LOOPBACK.has(url.hostname)) return null;
  return url.protocol === "http:" ? "integrations.endpoint.https" : "integrations.endpoint.invalid";
}

/** hex HMAC-SHA256 of "<timestamp>.<body>" */
export function signature(secret: string, timestamp: string, body: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
}

/** What a receiver does: recompute and compare in constant time (exported for tests and docs). */
export function verifySignature(secret: string, header: string | null, timestamp: string | null, body: string): boolean {
  if (!header || !timestamp) return false;
  const v1 = /(?:^|,)\s*v1=([0-9a-f]{64})/.exec(header)?.[1];
  const t = /(?:^|,)\s*t=(\d+)/.exec(header)?.[1];
  if (!v1 || t !== timestamp) return false;
  const want = Buffer.from(signature(secret, timestamp, body), "hex");
  const got = Buffer.from(v1, "hex");
  return want.length === got.length && timingSafeEqual(want, got);
}

export type SignedPost = {
  url: string;
  secret: string;
  idempotencyKey: string;
  eventType: string;
  body: unknown;
  signal: AbortSignal;
};
export type PostOutcome = { ok: boolean; status: number | null; error: string };

/** One signed POST. Redirects are not followed (the endpoint is what the admin configured). */
export async function postSigned(p: SignedPost): Promise<PostOutcome> {
  const bad = endpointError(p.url);
  if (bad) return { ok: false, status: null, error: bad };
  const body = JSON.stringify(p.body);
  const timestamp = String(Math.floor(now().getTime() / 1000));
  try {
    const res = await fetch(p.url, {
      method: "POST",
      redirect: "manual",
      signal: p.signal,
      headers: {
        "content-type": "application/json",
        "user-agent": "Atrium-Delivery/1",
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: `t=${timestamp},v1=${signature(p.secret, timestamp, body)}`,
        [IDEMPOTENCY_HEADER]: p.idempotencyKey,
        [EVENT_HEADER]: p.eventType,
      },
      body,
    });
    await res.arrayBuffer().catch(() => undefined); // drain, so the connection is reused
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status, error: "" } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, status: null, error: String((e as Error)?.message ?? e).slice(0, 300) };
  }
}

export type LogEntry = { orgId: string; target: string; eventId: number; idempotencyKey: string; eventType: string; outcome: PostOutcome };

/** The delivery log: one row per attempt (short autocommit insert, never in a transaction with the network). */
export async function logAttempt(db: DbOrTx, e: LogEntry) {
  await db.insert(deliveryLog).values({
    orgId: e.orgId,
    target: e.target,
    eventId: e.eventId,
    idempotencyKey: e.idempotencyKey,
    eventType: e.eventType,
    ok: e.outcome.ok,
    status: e.outcome.status,
    error: e.outcome.error.slice(0, 500),
    at: now(),
  });
}

/** Events of `ids` already delivered to `target` (a retried batch skips them). */
export async function deliveredIds(db: DbOrTx, target: string, ids: number[]): Promise<Set<number>> {
  if (!ids.length) return new Set();
  const rows = await query<{ event_id: string | number }>(
    db,
    sql`select distinct event_id from delivery_log where target = ${target} and ok and event_id in (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`,
  );
  return new Set(rows.map((r) => Number(r.event_id)));
}
