import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBarrier } from "../../app/compliance/barriers.server";
import { createContent, deleteContent, editContent, setReaction } from "../../app/content/content.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { archiveStreamConsumer, archiveStreamStatus, ARCHIVE_CONSUMER } from "../../app/integrations/archive-stream.server";
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "../../app/integrations/signed-http.server";
import { createWebhook, redeliver, webhooksConsumer, webhooksPage, WEBHOOK_CONSUMER } from "../../app/integrations/webhooks.server";
import { drainConsumer, type Consumer } from "../../app/platform/outbox.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { decideApproval, setApprovalSettings } from "../../app/spaces/approvals.server";
import { joinSpace, leaveSpace } from "../../app/spaces/spaces.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeSpace, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";
import { createSession } from "../../app/identity/session.server";
import * as webhooksRoute from "../../app/routes/admin.webhooks";
import * as archiveRoute from "../../app/routes/compliance.archive-stream";
import { callRoute, getRequest, postRequest, readJson } from "../support/remix";

// The signed outbound delivery against a real local receiver that is down for a while,
// then flaky (it refuses some requests, and loses the answer to others after recording
// them). Nothing is lost, nothing arrives out of order within a conversation, duplicates
// carry the same idempotency key and body, every signature verifies; a webhook subscriber
// never receives an event about content its owner may not see. The test clock skips backoff.

const ARCHIVE_SECRET = "archive-secret-for-tests-0123456789";
const rand = rng(20261201);

type Received = { path: string; key: string; type: string; sigOk: boolean; body: Record<string, any>; raw: string };

/** A receiver that records what it accepts; `mode` switches between down, flaky and healthy. */
class Receiver {
  server = http.createServer((req, res) => this.handle(req, res));
  received: Received[] = [];
  secrets = new Map<string, string>([["/archive", ARCHIVE_SECRET]]);
  mode: "flaky" | "healthy" = "flaky";
  refused = 0;
  lostAcks = 0;
  port = 0;

  async start(port = 0) {
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  /** Down: nothing listens on the port (connection refused). */
  async stop() {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server = http.createServer((req, res) => this.handle(req, res));
  }
  url(path: string) {
    return `http://127.0.0.1:${this.port}${path}`;
  }
  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const path = req.url ?? "";
      if (this.mode === "flaky" && rand() < 0.2) {
        this.refused++;
        res.writeHead(503).end();
        return;
      }
      const secret = this.secrets.get(path.startsWith("/hooks/") ? path : path) ?? "";
      const sig = req.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined;
      const ts = req.headers[TIMESTAMP_HEADER.toLowerCase()] as string | undefined;
      this.received.push({
        path,
        key: String(req.headers[IDEMPOTENCY_HEADER.toLowerCase()] ?? ""),
        type: String(req.headers["atrium-event"] ?? ""),
        sigOk: verifySignature(secret, sig ?? null, ts ?? null, raw),
        body: JSON.parse(raw),
        raw,
      });
      // recorded, but the answer is lost: the sender must retry with the same key
      if (this.mode === "flaky" && rand() < 0.15) {
        this.lostAcks++;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(204).end();
    });
  }
}

let db: Db;
const receiver = new Receiver();
const saved: Record<string, string | undefined> = {};
const ENV = ["INTEGRATIONS_ALLOW_HTTP_LOOPBACK", "ARCHIVE_STREAM_URL", "ARCHIVE_STREAM_SECRET", "OUTBOX_BACKOFF_MS"];

beforeAll(async () => {
  db = await getDb();
  for (const k of ENV) saved[k] = process.env[k];
  await receiver.start();
  process.env.INTEGRATIONS_ALLOW_HTTP_LOOPBACK = "true";
  process.env.ARCHIVE_STREAM_URL = receiver.url("/archive");
  process.env.ARCHIVE_STREAM_SECRET = ARCHIVE_SECRET;
  process.env.OUTBOX_BACKOFF_MS = "1000";
  // the clock runs (the worker's setup resets it before every test); retries are skipped with advance()
  // The worker database holds other files' events, which they never streamed (no archive was
  // configured there, which delivers nothing): settle them as an unconfigured stream would, so
  // this file's receiver sees only its own orgs and the first rounds try this file's events.
  await db.execute(sql`update outbox_deliveries set status = 'done', done_at = now() where consumer = 'archive-stream' and status = 'pending'`);
});
afterAll(async () => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
  testClock.reset();
  receiver.server.closeAllConnections();
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
});

async function pendingFor(consumer: string, orgId: string) {
  const [r] = await query<{ n: number }>(
    db,
    sql`select count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where d.consumer = ${consumer} and d.status = 'pending' and e.org_id = ${orgId}`,
  );
  return Number(r.n);
}

/** Drains one consumer, moving the clock past each backoff, until the org has nothing pending. */
async function converge(consumer: Consumer, orgId: string, maxRounds = 400) {
  for (let i = 0; i < maxRounds; i++) {
    if ((await pendingFor(consumer.name, orgId)) === 0) return i;
    const n = await drainConsumer(db, consumer);
    if (n === 0) testClock.advance(61_000);
  }
  throw new Error(`${consumer.name} did not converge: ${await pendingFor(consumer.name, orgId)} pending`);
}

describe("archive stream", () => {
  it("down, then flaky: nothing lost, in order per conversation, duplicates only with the same key, signatures verify", async () => {
    const org = await makeOrg("Stream Bank");
    const alice = await makeUser(org.id, { name: "Alice Stream" });
    const bob = await makeUser(org.id, { name: "Bob Stream" });
    const av = await loadViewer(db, alice.id);
    const space = await makeSpace(av, { visibility: "open" });
    await joinSpace(await loadViewer(db, bob.id), space.id);
    const bv = await loadViewer(db, bob.id);
    const av2 = await loadViewer(db, alice.id); // now a member (and admin) of the space

    await receiver.stop(); // down
    const doc = (t: string) => ({ bodyJson: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: t }] }] }, bodyText: t });
    const roots = [];
    for (let r = 0; r < 4; r++) {
      const root = await createContent(r % 2 ? bv : av2, { kind: "post", spaceId: space.id, ...doc(`thread ${r}`) });
      roots.push(root);
      for (let k = 0; k < 4; k++) {
        const c = await createContent(k % 2 ? av2 : bv, { kind: "comment", parentId: root.id, ...doc(`thread ${r} comment ${k}`) });
        if (k === 1) await editContent(k % 2 ? av2 : bv, c.id, doc(`thread ${r} comment ${k} (edited)`));
        if (k === 2) await setReaction(k % 2 ? bv : av2, c.id, "like", true);
        if (k === 3) await deleteContent(k % 2 ? av2 : bv, c.id);
      }
      await editContent(r % 2 ? bv : av2, root.id, doc(`thread ${r} (edited)`));
      await setReaction(r % 2 ? av2 : bv, root.id, "insightful", true);
      await setReaction(r % 2 ? av2 : bv, root.id, "insightful", false);
    }
    await leaveSpace(bv, space.id);
    await joinSpace(await loadViewer(db, bob.id), space.id);

    // down: several rounds, every attempt refused; the compliance page shows the lag and the failures
    for (let i = 0; i < 4; i++) {
      await drainConsumer(db, archiveStreamConsumer);
      testClock.advance(61_000);
    }
    expect(receiver.received.filter((r) => r.body.organisation === org.id)).toHaveLength(0);
    const down = await archiveStreamStatus(db, org.id);
    expect(down.pending).toBeGreaterThan(40);
    expect(down.oldestPendingSeconds).toBeGreaterThanOrEqual(4 * 61);
    expect(down.failures.length).toBeGreaterThan(0);
    expect(down.failures[0].error).toMatch(/fetch failed|ECONNREFUSED/i);

    // back up, flaky
    await receiver.start(receiver.port);
    await converge(archiveStreamConsumer, org.id);

    const expected = await query<{ id: number; topic: string; subject_id: string }>(
      db,
      sql`select e.id, e.topic, e.subject_id from outbox_events e join outbox_deliveries d on d.event_id = e.id and d.consumer = ${ARCHIVE_CONSUMER}
          where e.org_id = ${org.id} order by e.id`,
    );
    const mine = receiver.received.filter((r) => r.path === "/archive" && r.body.organisation === org.id);
    const keys = new Set(mine.map((r) => r.key));
    // nothing lost: one key per outbox event, and nothing else
    expect([...keys].sort()).toEqual(expected.map((e) => `atrium:${org.id}:${e.id}`).sort());
    // every kind of item went out
    expect(new Set(mine.map((r) => r.type))).toEqual(
      new Set(["message.created", "message.edited", "message.deleted", "reaction.added", "reaction.removed", "participant.joined", "participant.left"]),
    );
    // signatures verify
    expect(mine.every((r) => r.sigOk)).toBe(true);
    // duplicates: only with the same key, and then the same body
    const byKey = new Map<string, string>();
    for (const r of mine) {
      expect(r.body.id).toBe(r.key);
      if (byKey.has(r.key)) expect(r.raw).toBe(byKey.get(r.key));
      byKey.set(r.key, r.raw);
    }
    expect(receiver.refused).toBeGreaterThan(0);
    expect(receiver.lostAcks).toBeGreaterThan(0);
    expect(mine.length).toBeGreaterThan(keys.size); // the flaky phase produced duplicates
    // in order per conversation: event ids never go back within one conversation
    const seq = (key: string) => Number(key.split(":").pop());
    const lastIn = new Map<string, number>();
    for (const r of mine) {
      const conv = r.body.conversation.id as string;
      expect(seq(r.key), `conversation ${conv}`).toBeGreaterThanOrEqual(lastIn.get(conv) ?? 0);
      lastIn.set(conv, seq(r.key));
    }
    expect(new Set(mine.map((r) => r.body.conversation.id))).toEqual(new Set([...roots.map((r) => r.id), `space:${space.id}`]));
    // each message carries its archive record's chain hash and its participants
    for (const r of mine.filter((x) => x.type.startsWith("message."))) {
      const [rec] = await query<{ hash: string; seq: number }>(
        db,
        sql`select hash, seq from archive_records where org_id = ${org.id} and subject_id = ${r.body.item.id} and version = ${r.body.item.version}`,
      );
      expect(r.body.archive).toMatchObject({ hash: rec.hash, seq: Number(rec.seq) });
      expect(r.body.participants.some((p: { role: string }) => p.role === "author")).toBe(true);
    }
    const after = await archiveStreamStatus(db, org.id);
    expect(after).toMatchObject({ configured: true, pending: 0, oldestPendingSeconds: null, delivered: keys.size });
  }, 120_000);
});

describe("webhooks", () => {
  it("refuses plain http outside loopback; admins only", async () => {
    const org = await makeOrg("Hook Bank");
    const admin = await loadViewer(db, (await makeUser(org.id, { roles: ["admin", "member"] })).id);
    const member = await loadViewer(db, (await makeUser(org.id)).id);
    expect(await createWebhook(admin, { url: "http://example.com/hook", events: ["post.created"] })).toEqual({ ok: false, field: "url", error: "integrations.endpoint.https" });
    expect(await createWebhook(admin, { url: "ftp://example.com/hook", events: ["post.created"] })).toEqual({ ok: false, field: "url", error: "integrations.endpoint.invalid" });
    await expect(createWebhook(member, { url: "https://example.com/hook", events: ["post.created"] })).rejects.toMatchObject({ status: 404 });
    const [n] = await query<{ n: number }>(db, sql`select count(*)::int as n from webhooks where org_id = ${org.id}`);
    expect(n.n).toBe(0);
  });

  it("down then flaky: every event its owner may see arrives, signed; hidden and held content never does", async () => {
    const org = await makeOrg("Hook Bank");
    const carol = await makeUser(org.id, { roles: ["admin", "member"], name: "Carol Admin", department: "Investment Banking" });
    const alice = await makeUser(org.id, { name: "Alice Hook", department: "Sales" });
    const bob = await makeUser(org.id, { name: "Bob Hook", department: "Research" });
    const approver = await makeUser(org.id, { name: "Anna Approver", department: "Sales" });
    const compliance = await makeUser(org.id, { roles: ["compliance", "member"], department: "Compliance" });
    const v = async (id: string) => loadViewer(db, id);
    await createBarrier(await v(compliance.id), { name: "Wall", sideA: ["Research"], sideB: ["Investment Banking"] });
    const open = await makeSpace(await v(alice.id), { visibility: "open" });
    const secret = await makeSpace(await v(bob.id), { visibility: "secret", joinPolicy: "invite" });
    const gated = await makeSpace(await v(alice.id), { visibility: "open" });
    await joinSpace(await v(approver.id), gated.id);
    await joinSpace(await v(bob.id), open.id);
    expect(await setApprovalSettings(await v(alice.id), gated.id, { tiers: 1, seats: [{ tier: 1, userId: approver.id }] })).toEqual({ ok: true });

    const created = await createWebhook(await v(carol.id), { url: receiver.url("/hooks/a"), events: ["post.created", "comment.created"] });
    if (!created.ok) throw new Error("webhook not created");
    receiver.secrets.set("/hooks/a", created.secret);
    expect(created.secret).toMatch(/^whsec_/);
    // the page never shows the secret again
    expect(JSON.stringify(await webhooksPage(await v(carol.id)))).not.toContain(created.secret);

    const doc = (t: string) => ({ bodyJson: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: t }] }] }, bodyText: t });
    await receiver.stop(); // down
    const visible = await createContent(await v(alice.id), { kind: "post", spaceId: open.id, ...doc("hook visible post") });
    const visibleComment = await createContent(await v(alice.id), { kind: "comment", parentId: visible.id, ...doc("hook visible comment") });
    const secretPost = await createContent(await v(bob.id), { kind: "post", spaceId: secret.id, ...doc("HOOK-SECRET post in a secret space") });
    const walled = await createContent(await v(bob.id), { kind: "post", spaceId: open.id, ...doc("HOOK-WALL research note") });
    const walledComment = await createContent(await v(alice.id), { kind: "comment", parentId: walled.id, ...doc("HOOK-WALL comment under the research note") });
    const held = await createContent(await v(alice.id), { kind: "post", spaceId: gated.id, ...doc("hook held post") });
    const rejected = await createContent(await v(alice.id), { kind: "post", spaceId: gated.id, ...doc("HOOK-REJECTED post") });
    for (let i = 0; i < 3; i++) {
      await drainConsumer(db, webhooksConsumer);
      testClock.advance(61_000);
    }
    expect(receiver.received.filter((r) => r.path === "/hooks/a")).toHaveLength(0);
    await receiver.start(receiver.port);
    await converge(webhooksConsumer, org.id);
    // approval publishes the held post: announced now; the rejected one never
    await decideApproval(await v(approver.id), held.id, { decision: "approve" });
    await decideApproval(await v(approver.id), rejected.id, { decision: "reject", reason: "no" });
    await converge(webhooksConsumer, org.id);

    const got = receiver.received.filter((r) => r.path === "/hooks/a");
    expect(got.every((r) => r.sigOk)).toBe(true);
    const items = new Set(got.map((r) => r.body.data.item.id));
    expect([...items].sort()).toEqual([visible.id, visibleComment.id, held.id].sort());
    for (const hidden of [secretPost.id, walled.id, walledComment.id, rejected.id]) expect(items.has(hidden)).toBe(false);
    expect(got.some((r) => /HOOK-(SECRET|WALL|REJECTED)/.test(r.raw))).toBe(false);
    const byKey = new Map<string, string>();
    for (const r of got) {
      if (byKey.has(r.key)) expect(r.raw).toBe(byKey.get(r.key));
      byKey.set(r.key, r.raw);
    }
    expect(got.find((r) => r.body.data.item.id === held.id)!.type).toBe("post.created");

    // the log shows failures and successes; a redelivery sends the same key again
    const page = await webhooksPage(await v(carol.id));
    expect(page.log.some((l) => !l.ok)).toBe(true);
    const ok = page.log.find((l) => l.ok && l.eventType === "comment.created")!;
    receiver.mode = "healthy";
    const before = got.filter((r) => r.key === `atrium:webhook:${created.id}:${ok.eventId}`).length;
    expect(await redeliver(await v(carol.id), created.id, ok.eventId)).toMatchObject({ ok: true });
    expect(receiver.received.filter((r) => r.key === `atrium:webhook:${created.id}:${ok.eventId}`).length).toBe(before + 1);
    receiver.mode = "flaky";
    // nothing dead-lettered on the way
    const [dead] = await query<{ n: number }>(
      db,
      sql`select count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
          where d.consumer = ${WEBHOOK_CONSUMER} and d.status = 'dead' and e.org_id = ${org.id}`,
    );
    expect(dead.n).toBe(0);
  }, 120_000);
});

describe("the pages", () => {
  it("webhooks: admins only (404 to others); bad input is a 400 with nothing stored; the secret once", async () => {
    const org = await makeOrg("Pages Bank");
    const admin = await makeUser(org.id, { roles: ["admin", "member"] });
    const member = await makeUser(org.id);
    const officer = await makeUser(org.id, { roles: ["compliance", "member"] });
    const tok = async (id: string) => ({ token: (await createSession(id)).token });
    expect((await callRoute(webhooksRoute.loader, getRequest("/admin/webhooks", await tok(member.id)))).status).toBe(404);
    expect((await callRoute(webhooksRoute.action, postRequest("/admin/webhooks", { intent: "create", url: "https://x.test/h", events: "post.created" }, await tok(member.id)))).status).toBe(404);
    const admTok = await tok(admin.id);
    const bads: Record<string, string>[] = [
      { intent: "create", url: "http://example.com/h", events: "post.created" },
      { intent: "create", url: "https://example.com/h", events: "everything" },
      { intent: "create", url: "https://example.com/h" },
    ];
    for (const bad of bads) {
      expect((await callRoute(webhooksRoute.action, postRequest("/admin/webhooks", bad, admTok))).status, JSON.stringify(bad)).toBe(400);
    }
    const [none] = await query<{ n: number }>(db, sql`select count(*)::int as n from webhooks where org_id = ${org.id}`);
    expect(none.n).toBe(0);
    const ok = await readJson(await callRoute(webhooksRoute.action, postRequest("/admin/webhooks", { intent: "create", url: "https://example.com/h", events: ["post.created", "user.deactivated"] }, admTok)));
    expect(ok.secret).toMatch(/^whsec_/);
    const page = await callRoute(webhooksRoute.loader, getRequest("/admin/webhooks", admTok));
    expect(await page.text()).not.toContain(ok.secret);
    // the archive delivery page: compliance officers only
    expect((await callRoute(archiveRoute.loader, getRequest("/compliance/archive-stream", admTok))).status).toBe(404);
    const status = await readJson(await callRoute(archiveRoute.loader, getRequest("/compliance/archive-stream", await tok(officer.id))));
    expect(status).toMatchObject({ pending: expect.any(Number), failures: expect.any(Array) });
  });
});
