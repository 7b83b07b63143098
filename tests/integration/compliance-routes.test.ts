import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, query } from "../../app/db/client.server";
import { createContent } from "../../app/content/content.server";
import { translate } from "../../app/i18n";
import { drainConsumer, emit, MAX_ATTEMPTS, registerConsumer, unregisterConsumer, type Consumer } from "../../app/platform/outbox.server";
import * as outboxPage from "../../app/routes/admin.outbox";
import * as console_ from "../../app/routes/compliance._index";
import * as auditPage from "../../app/routes/compliance.audit";
import * as barriersPage from "../../app/routes/compliance.barriers";
import * as itemPage from "../../app/routes/compliance.items.$id";
import * as exportRoute from "../../app/routes/compliance.items.$id.export";
import { testClock } from "../../app/utils/clock.server";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, renderRoute, sessionsFor, type RequestOptions } from "../support/remix";

// Compliance and dead-letter routes called the way Remix calls them: a real Request with the session cookie.

let w: World;
let tokens: Record<string, string>;
const tok = (name: string, lang?: string): RequestOptions => ({ token: tokens[name], lang });

async function auditCount() {
  const [row] = await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from audit_log where org_id = ${w.org.id}`);
  return row.n;
}

type Hit = { id: string; deleted: boolean; space: string | null; author: string; excerpt: string };
async function search(params: string, who = "compliance") {
  const res = await callRoute(console_.loader, getRequest(`/compliance?${params}`, tok(who)));
  expect(res.status).toBe(200);
  return ((await readJson(res)).hits ?? []) as Hit[];
}

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "carol", "admin", "compliance", "outsider"]);
});

describe("compliance console: search", () => {
  it("finds deleted content and content in a secret space by a word", async () => {
    const deleted = await search("q=deleted&deleted=on");
    const hit = deleted.find((h) => h.id === w.posts.deletedByAlice.id);
    expect(hit).toMatchObject({ deleted: true, author: "Alice", excerpt: "Soon deleted" });

    const secret = await search("q=secret&deleted=on");
    expect(secret.find((h) => h.id === w.posts.secretByBob.id)).toMatchObject({ deleted: false, space: "Secret" });

    // the checkbox unticked: the form was sent without it
    expect((await search("q=deleted")).map((h) => h.id)).not.toContain(w.posts.deletedByAlice.id);
  });

  it("filters by author email and date range", async () => {
    const byAlice = await search(`q=&author=${encodeURIComponent(w.users.alice.email.toUpperCase())}&deleted=on`);
    expect(byAlice.length).toBeGreaterThan(0);
    expect(byAlice.every((h) => h.author === "Alice")).toBe(true);
    expect(await search("q=&from=2000-01-01&to=2000-01-31&deleted=on")).toEqual([]);
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    expect((await search(`q=secret&from=${day(-1)}&to=${day(0)}&deleted=on`)).map((h) => h.id)).toContain(w.posts.secretByBob.id);
    // the end date is inclusive, the start date is not before the content
    expect((await search(`q=secret&from=${day(1)}&deleted=on`)).map((h) => h.id)).not.toContain(w.posts.secretByBob.id);
  });

  it("answers bad search input with 400 and translated field messages", async () => {
    const bad = await callRoute(console_.loader, getRequest("/compliance?q=x&from=2024-13-45&author=nope", tok("compliance", "fr")));
    expect(bad.status).toBe(400);
    const { errors } = await readJson(bad);
    expect(errors.from).toBe(translate("fr", "compliance.search.error.date"));
    expect(errors.author).toBe(translate("fr", "form.invalidEmail"));
    const range = await callRoute(console_.loader, getRequest("/compliance?q=x&from=2024-02-02&to=2024-02-01", tok("compliance")));
    expect(range.status).toBe(400);
    expect((await readJson(range)).errors.to).toBe(translate("en", "compliance.search.error.range"));
  });

  it("opens without searching (and without an audit record) until the form is sent", async () => {
    const before = await auditCount();
    const res = await callRoute(console_.loader, getRequest("/compliance", tok("compliance")));
    expect(res.status).toBe(200);
    expect((await readJson(res)).hits).toBeNull();
    expect(await auditCount()).toBe(before);
  });
});

describe("compliance: every read is audited", () => {
  it("adds exactly one audit record per search, item view and export", async () => {
    const id = w.posts.deletedByAlice.id;
    let n = await auditCount();
    await search("q=deleted&deleted=on");
    expect(await auditCount()).toBe(++n);
    expect((await callRoute(itemPage.loader, getRequest(`/compliance/items/${id}`, tok("compliance")), { id })).status).toBe(200);
    expect(await auditCount()).toBe(++n);
    expect((await callRoute(exportRoute.loader, getRequest(`/compliance/items/${id}/export`, tok("compliance")), { id })).status).toBe(200);
    expect(await auditCount()).toBe(++n);

    const trail = await readJson(await callRoute(auditPage.loader, getRequest("/compliance/audit", tok("compliance"))));
    const actions = trail.records.slice(0, 4).map((r: { action: string }) => r.action);
    expect(actions).toEqual(["compliance.audit.view", "compliance.export", "compliance.view", "compliance.search"]);
    expect(trail.records[1]).toMatchObject({ targetKind: "content", targetId: id, actor: w.users.compliance.name });
    expect(typeof trail.records[0].data).toBe("string");
  });
});

describe("compliance: item review and export", () => {
  it("shows every version with its text, hashes and comments", async () => {
    const parent = w.posts.openByAlice;
    const comment = await createContent(await w.viewer(w.users.carol.id), { kind: "comment", parentId: parent.id, ...doc("Comment for review") });
    const page = await readJson(await callRoute(itemPage.loader, getRequest(`/compliance/items/${parent.id}`, tok("compliance")), { id: parent.id }));
    expect(page.commentIds).toEqual([comment.id]);
    expect(page.versions[0]).toMatchObject({ version: 1, action: "create", actor: "Alice", text: "Open post by Alice" });
    expect(page.versions[0].hash).toMatch(/^[0-9a-f]{64}$/);

    const deleted = await readJson(await callRoute(itemPage.loader, getRequest(`/compliance/items/${w.posts.deletedByAlice.id}`, tok("compliance")), { id: w.posts.deletedByAlice.id }));
    expect(deleted.deleted).toBe(true);
    expect(deleted.versions.map((v: { action: string }) => v.action)).toEqual(["create", "delete"]);
    expect(deleted.versions[1].prevHash).toBe(deleted.versions[0].hash);

    const child = await readJson(await callRoute(itemPage.loader, getRequest(`/compliance/items/${comment.id}`, tok("compliance")), { id: comment.id }));
    expect(child.parentId).toBe(parent.id);
  });

  it("exports every version with its hashes as a JSON download", async () => {
    const id = w.posts.deletedByAlice.id;
    const res = await callRoute(exportRoute.loader, getRequest(`/compliance/items/${id}/export`, tok("compliance")), { id });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="atrium-${id}.json"`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const json = await readJson(res);
    expect(json.item.id).toBe(id);
    expect(json.item.versions).toHaveLength(2);
    for (const v of json.item.versions) {
      expect(v.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(v.prevHash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(json.item.versions[0].data.text).toBe("Soon deleted");
    expect(json.chainHead.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("verifies an untouched archive", async () => {
    const res = await callRoute(console_.action, postRequest("/compliance?index", { intent: "verify" }, tok("compliance")));
    expect(res.status).toBe(200);
    const { verify } = await readJson(res);
    expect(verify.ok).toBe(true);
    expect(verify.checked).toBeGreaterThan(0);
    expect(verify.problem).toBeNull();
  });
});

describe("compliance routes do not exist for anyone else", () => {
  it("404s a member and an org admin on every compliance route", async () => {
    const id = w.posts.openByAlice.id;
    for (const who of ["alice", "admin"]) {
      const statuses = [
        (await callRoute(console_.loader, getRequest("/compliance", tok(who)))).status,
        (await callRoute(console_.loader, getRequest("/compliance?q=secret&deleted=on", tok(who)))).status,
        (await callRoute(console_.loader, getRequest("/compliance?q=x&from=bad", tok(who)))).status,
        (await callRoute(console_.action, postRequest("/compliance?index", { intent: "verify" }, tok(who)))).status,
        (await callRoute(console_.action, postRequest("/compliance?index", { intent: "nonsense" }, tok(who)))).status,
        (await callRoute(itemPage.loader, getRequest(`/compliance/items/${id}`, tok(who)), { id })).status,
        (await callRoute(exportRoute.loader, getRequest(`/compliance/items/${id}/export`, tok(who)), { id })).status,
        (await callRoute(auditPage.loader, getRequest("/compliance/audit", tok(who)))).status,
        (await callRoute(barriersPage.loader, getRequest("/compliance/barriers", tok(who)))).status,
        (await callRoute(barriersPage.action, postRequest("/compliance/barriers", { intent: "create", name: "X", sideA: "Sales", sideB: "Research" }, tok(who)))).status,
        (await callRoute(barriersPage.action, postRequest("/compliance/barriers", { intent: "create" }, tok(who)))).status,
      ];
      expect(statuses, who).toEqual(Array(statuses.length).fill(404));
    }
  });

  it("404s an item of another org for compliance", async () => {
    const foreign = await createContent(await w.viewer(w.users.outsider.id), { kind: "post", spaceId: null, ...doc("Other firm") });
    expect((await callRoute(itemPage.loader, getRequest(`/compliance/items/${foreign.id}`, tok("compliance")), { id: foreign.id })).status).toBe(404);
    expect((await callRoute(exportRoute.loader, getRequest(`/compliance/items/${foreign.id}/export`, tok("compliance")), { id: foreign.id })).status).toBe(404);
  });
});

describe("information barriers", () => {
  const create = (fields: Record<string, string>, lang?: string) =>
    callRoute(barriersPage.action, postRequest("/compliance/barriers", { intent: "create", ...fields }, tok("compliance", lang)));

  it("validates input with 400 and translated field messages", async () => {
    const empty = await create({ name: "", sideA: " , ", sideB: "Research" }, "fr");
    expect(empty.status).toBe(400);
    const e = (await readJson(empty)).errors;
    expect(e.name).toBe(translate("fr", "form.required"));
    expect(e.sideA).toBe(translate("fr", "compliance.barriers.error.side"));

    const overlap = await create({ name: "Bad wall", sideA: "Sales, Research", sideB: "Research" });
    expect(overlap.status).toBe(400);
    expect((await readJson(overlap)).errors.sideB).toBe(translate("en", "compliance.barriers.error.overlap"));
  });

  it("creates, lists and removes a barrier", async () => {
    const res = await create({ name: "Sales / Wealth", sideA: "Sales, Sales ", sideB: "Wealth, Private Banking" });
    expect(res.status).toBe(200);
    const list = (await readJson(await callRoute(barriersPage.loader, getRequest("/compliance/barriers", tok("compliance"))))).barriers as Array<{ id: string; name: string; sideA: string[]; sideB: string[] }>;
    const made = list.find((b) => b.name === "Sales / Wealth");
    expect(made).toMatchObject({ sideA: ["Sales"], sideB: ["Wealth", "Private Banking"] });

    const removed = await callRoute(barriersPage.action, postRequest("/compliance/barriers", { intent: "remove", id: made!.id }, tok("compliance")));
    expect(removed.status).toBe(200);
    const after = (await readJson(await callRoute(barriersPage.loader, getRequest("/compliance/barriers", tok("compliance"))))).barriers as Array<{ id: string }>;
    expect(after.map((b) => b.id)).not.toContain(made!.id);
  });
});

describe("admin: dead letters", () => {
  const broken: Consumer = {
    name: "test-compliance-broken",
    topics: ["test.compliance-broken"],
    handle: async () => {
      throw new Error("archive sink unreachable");
    },
  };
  let eventId: number;

  beforeAll(async () => {
    registerConsumer(broken);
    process.env.OUTBOX_BACKOFF_MS = "1";
    const db = await getDb();
    eventId = await db.transaction((tx) => emit(tx, { orgId: w.org.id, topic: "test.compliance-broken", subjectId: "subject-1" }));
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      await drainConsumer(db, broken);
      testClock.advance(600_001);
    }
    testClock.reset();
  });
  afterAll(() => {
    unregisterConsumer(broken.name);
    delete process.env.OUTBOX_BACKOFF_MS;
  });

  const status = async () => {
    const [row] = await query<{ status: string; attempts: number }>(
      await getDb(),
      sql`select status, attempts from outbox_deliveries where event_id = ${eventId} and consumer = ${broken.name}`,
    );
    return row;
  };

  it("is 404 for a member and for compliance", async () => {
    for (const who of ["alice", "compliance"]) {
      expect((await callRoute(outboxPage.loader, getRequest("/admin/outbox", tok(who)))).status, who).toBe(404);
      const retry = postRequest("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok(who));
      expect((await callRoute(outboxPage.action, retry)).status, who).toBe(404);
    }
    expect((await status()).status).toBe("dead");
  });

  it("lists the dead letter for the org admin, and Retry puts it back in the queue", async () => {
    const page = await readJson(await callRoute(outboxPage.loader, getRequest("/admin/outbox", tok("admin"))));
    expect(page.letters).toContainEqual({
      eventId,
      consumer: broken.name,
      topic: "test.compliance-broken",
      subjectId: "subject-1",
      attempts: MAX_ATTEMPTS,
      lastError: "archive sink unreachable",
    });

    // another firm's admin cannot see or retry it
    const foreign = await readJson(await callRoute(outboxPage.loader, getRequest("/admin/outbox", tok("outsider"))));
    expect(foreign.letters.map((l: { eventId: number }) => l.eventId)).not.toContain(eventId);
    const foreignRetry = postRequest("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("outsider"));
    expect((await callRoute(outboxPage.action, foreignRetry)).status).toBe(404);

    const bad = await callRoute(outboxPage.action, postRequest("/admin/outbox", { intent: "retry", eventId: "abc", consumer: broken.name }, tok("admin")));
    expect(bad.status).toBe(400);

    const before = await auditCount();
    const res = await callRoute(outboxPage.action, postRequest("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("admin")));
    expect(res.status).toBe(200);
    expect(await status()).toEqual({ status: "pending", attempts: 0 });
    expect(await auditCount()).toBe(before + 1);
    const after = await readJson(await callRoute(outboxPage.loader, getRequest("/admin/outbox", tok("admin"))));
    expect(after.letters.map((l: { eventId: number }) => l.eventId)).not.toContain(eventId);

    // no longer dead: a second retry finds nothing to retry
    const again = await callRoute(outboxPage.action, postRequest("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("admin")));
    expect(again.status).toBe(404);
  });
});

describe("pages render", () => {
  it("server-renders the console, an item, the audit trail, barriers and dead letters", async () => {
    const id = w.posts.deletedByAlice.id;
    const consolePage = await renderRoute(console_, getRequest("/compliance?q=deleted&deleted=on", tok("compliance")));
    expect(consolePage).toContain(translate("en", "compliance.auditNotice"));
    expect(consolePage).toContain(`href="/compliance/items/${id}"`);
    expect(consolePage).toContain(translate("en", "compliance.results.deleted"));
    expect(consolePage).toContain('href="/compliance/audit"');
    expect(consolePage).toContain('href="/compliance/barriers"');

    const item = await renderRoute(itemPage, getRequest(`/compliance/items/${id}`, tok("compliance")), "/compliance/items/:id");
    const { item: exported } = await readJson(await callRoute(exportRoute.loader, getRequest(`/compliance/items/${id}/export`, tok("compliance")), { id }));
    expect(item).toContain(`title="${exported.versions[1].hash}"`);
    expect(item).toContain(`href="/compliance/items/${id}/export"`);
    expect(item).toContain("Soon deleted");
    expect(item).toContain(translate("en", "compliance.action.delete"));

    expect(await renderRoute(auditPage, getRequest("/compliance/audit", tok("compliance")))).toContain("compliance.audit.view");
    expect(await renderRoute(barriersPage, getRequest("/compliance/barriers", tok("compliance")))).toContain("Research / IB");
    expect(await renderRoute(outboxPage, getRequest("/admin/outbox", tok("admin")))).toContain(translate("en", "admin.outbox.title"));
  });
});
