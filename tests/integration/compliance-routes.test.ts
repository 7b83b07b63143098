import { sql } from "drizzle-orm";
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb, query } from "../../app/db/client.server";
import { createContent } from "../../app/feed/content.server";
import { translate } from "../../app/i18n";
import { createSession } from "../../app/identity/session.server";
import { drainConsumer, emit, MAX_ATTEMPTS, registerConsumer, unregisterConsumer, type Consumer } from "../../app/platform/outbox.server";
import * as outboxPage from "../../app/routes/admin.outbox";
import * as console_ from "../../app/routes/compliance._index";
import * as auditPage from "../../app/routes/compliance.audit";
import * as barriersPage from "../../app/routes/compliance.barriers";
import * as itemPage from "../../app/routes/compliance.items.$id";
import * as exportRoute from "../../app/routes/compliance.items.$id.export";
import { testClock } from "../../app/utils/clock.server";
import { buildWorld, doc, type World } from "../fixtures/world";

// Compliance and dead-letter routes called the way Remix calls them: a real Request with the session cookie.

const ORIGIN = "http://localhost:3000";
type Opts = { token?: string; lang?: string };
type Handler = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => unknown;

function headers({ token, lang }: Opts) {
  const h = new Headers();
  if (token) h.set("Cookie", `atrium_session=${encodeURIComponent(token)}`);
  if (lang) h.set("Accept-Language", lang);
  return h;
}
const get = (path: string, opts: Opts = {}) => new Request(ORIGIN + path, { headers: headers(opts) });
const post = (path: string, fields: Record<string, string>, opts: Opts = {}) =>
  new Request(ORIGIN + path, { method: "POST", body: new URLSearchParams(fields), headers: headers(opts) });

async function run(fn: unknown, request: Request, params: Record<string, string> = {}) {
  try {
    const res = await (fn as Handler)({ request, params, context: { clientIp: "10.9.2.1" } });
    if (!(res instanceof Response)) throw new Error(`expected a Response, got ${JSON.stringify(res)}`);
    return res;
  } catch (e) {
    if (e instanceof Response) return e;
    throw e;
  }
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = (res: Response) => res.json() as Promise<Record<string, any>>;

/** Server-renders a route module's page the way the router would, from its own loader. */
async function renderPage(mod: { loader: unknown; default: ComponentType }, path: string, request: Request) {
  const loader = ({ request: r, params }: { request: Request; params: Record<string, string | undefined> }) =>
    (mod.loader as Handler)({ request: r, params: params as Record<string, string>, context: {} }) as Promise<Response>;
  const handler = createStaticHandler([{ id: "page", path, loader, Component: mod.default }]);
  const context = await handler.query(request);
  if (context instanceof Response) throw new Error(`unexpected response ${context.status}`);
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context, hydrate: false }));
}

let w: World;
const tokens: Record<string, string> = {};
const tok = (name: string, lang?: string): Opts => ({ token: tokens[name], lang });

async function auditCount() {
  const [row] = await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from audit_log where org_id = ${w.org.id}`);
  return row.n;
}

type Hit = { id: string; deleted: boolean; space: string | null; author: string; excerpt: string };
async function search(params: string, who = "compliance") {
  const res = await run(console_.loader, get(`/compliance?${params}`, tok(who)));
  expect(res.status).toBe(200);
  return ((await body(res)).hits ?? []) as Hit[];
}

beforeAll(async () => {
  w = await buildWorld();
  for (const name of ["alice", "carol", "admin", "compliance", "outsider"] as const) {
    tokens[name] = (await createSession(w.users[name].id)).token;
  }
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
    const bad = await run(console_.loader, get("/compliance?q=x&from=2024-13-45&author=nope", tok("compliance", "fr")));
    expect(bad.status).toBe(400);
    const { errors } = await body(bad);
    expect(errors.from).toBe(translate("fr", "compliance.search.error.date"));
    expect(errors.author).toBe(translate("fr", "form.invalidEmail"));
    const range = await run(console_.loader, get("/compliance?q=x&from=2024-02-02&to=2024-02-01", tok("compliance")));
    expect(range.status).toBe(400);
    expect((await body(range)).errors.to).toBe(translate("en", "compliance.search.error.range"));
  });

  it("opens without searching (and without an audit record) until the form is sent", async () => {
    const before = await auditCount();
    const res = await run(console_.loader, get("/compliance", tok("compliance")));
    expect(res.status).toBe(200);
    expect((await body(res)).hits).toBeNull();
    expect(await auditCount()).toBe(before);
  });
});

describe("compliance: every read is audited", () => {
  it("adds exactly one audit record per search, item view and export", async () => {
    const id = w.posts.deletedByAlice.id;
    let n = await auditCount();
    await search("q=deleted&deleted=on");
    expect(await auditCount()).toBe(++n);
    expect((await run(itemPage.loader, get(`/compliance/items/${id}`, tok("compliance")), { id })).status).toBe(200);
    expect(await auditCount()).toBe(++n);
    expect((await run(exportRoute.loader, get(`/compliance/items/${id}/export`, tok("compliance")), { id })).status).toBe(200);
    expect(await auditCount()).toBe(++n);

    const trail = await body(await run(auditPage.loader, get("/compliance/audit", tok("compliance"))));
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
    const page = await body(await run(itemPage.loader, get(`/compliance/items/${parent.id}`, tok("compliance")), { id: parent.id }));
    expect(page.commentIds).toEqual([comment.id]);
    expect(page.versions[0]).toMatchObject({ version: 1, action: "create", actor: "Alice", text: "Open post by Alice" });
    expect(page.versions[0].hash).toMatch(/^[0-9a-f]{64}$/);

    const deleted = await body(await run(itemPage.loader, get(`/compliance/items/${w.posts.deletedByAlice.id}`, tok("compliance")), { id: w.posts.deletedByAlice.id }));
    expect(deleted.deleted).toBe(true);
    expect(deleted.versions.map((v: { action: string }) => v.action)).toEqual(["create", "delete"]);
    expect(deleted.versions[1].prevHash).toBe(deleted.versions[0].hash);

    const child = await body(await run(itemPage.loader, get(`/compliance/items/${comment.id}`, tok("compliance")), { id: comment.id }));
    expect(child.parentId).toBe(parent.id);
  });

  it("exports every version with its hashes as a JSON download", async () => {
    const id = w.posts.deletedByAlice.id;
    const res = await run(exportRoute.loader, get(`/compliance/items/${id}/export`, tok("compliance")), { id });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Disposition")).toBe(`attachment; filename="atrium-${id}.json"`);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Content-Type")).toContain("application/json");
    const json = await body(res);
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
    const res = await run(console_.action, post("/compliance?index", { intent: "verify" }, tok("compliance")));
    expect(res.status).toBe(200);
    const { verify } = await body(res);
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
        (await run(console_.loader, get("/compliance", tok(who)))).status,
        (await run(console_.loader, get("/compliance?q=secret&deleted=on", tok(who)))).status,
        (await run(console_.loader, get("/compliance?q=x&from=bad", tok(who)))).status,
        (await run(console_.action, post("/compliance?index", { intent: "verify" }, tok(who)))).status,
        (await run(console_.action, post("/compliance?index", { intent: "nonsense" }, tok(who)))).status,
        (await run(itemPage.loader, get(`/compliance/items/${id}`, tok(who)), { id })).status,
        (await run(exportRoute.loader, get(`/compliance/items/${id}/export`, tok(who)), { id })).status,
        (await run(auditPage.loader, get("/compliance/audit", tok(who)))).status,
        (await run(barriersPage.loader, get("/compliance/barriers", tok(who)))).status,
        (await run(barriersPage.action, post("/compliance/barriers", { intent: "create", name: "X", sideA: "Sales", sideB: "Research" }, tok(who)))).status,
        (await run(barriersPage.action, post("/compliance/barriers", { intent: "create" }, tok(who)))).status,
      ];
      expect(statuses, who).toEqual(Array(statuses.length).fill(404));
    }
  });

  it("404s an item of another org for compliance", async () => {
    const foreign = await createContent(await w.viewer(w.users.outsider.id), { kind: "post", spaceId: null, ...doc("Other firm") });
    expect((await run(itemPage.loader, get(`/compliance/items/${foreign.id}`, tok("compliance")), { id: foreign.id })).status).toBe(404);
    expect((await run(exportRoute.loader, get(`/compliance/items/${foreign.id}/export`, tok("compliance")), { id: foreign.id })).status).toBe(404);
  });
});

describe("information barriers", () => {
  const create = (fields: Record<string, string>, lang?: string) =>
    run(barriersPage.action, post("/compliance/barriers", { intent: "create", ...fields }, tok("compliance", lang)));

  it("validates input with 400 and translated field messages", async () => {
    const empty = await create({ name: "", sideA: " , ", sideB: "Research" }, "fr");
    expect(empty.status).toBe(400);
    const e = (await body(empty)).errors;
    expect(e.name).toBe(translate("fr", "form.required"));
    expect(e.sideA).toBe(translate("fr", "compliance.barriers.error.side"));

    const overlap = await create({ name: "Bad wall", sideA: "Sales, Research", sideB: "Research" });
    expect(overlap.status).toBe(400);
    expect((await body(overlap)).errors.sideB).toBe(translate("en", "compliance.barriers.error.overlap"));
  });

  it("creates, lists and removes a barrier", async () => {
    const res = await create({ name: "Sales / Wealth", sideA: "Sales, Sales ", sideB: "Wealth, Private Banking" });
    expect(res.status).toBe(200);
    const list = (await body(await run(barriersPage.loader, get("/compliance/barriers", tok("compliance"))))).barriers as Array<{ id: string; name: string; sideA: string[]; sideB: string[] }>;
    const made = list.find((b) => b.name === "Sales / Wealth");
    expect(made).toMatchObject({ sideA: ["Sales"], sideB: ["Wealth", "Private Banking"] });

    const removed = await run(barriersPage.action, post("/compliance/barriers", { intent: "remove", id: made!.id }, tok("compliance")));
    expect(removed.status).toBe(200);
    const after = (await body(await run(barriersPage.loader, get("/compliance/barriers", tok("compliance"))))).barriers as Array<{ id: string }>;
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
      expect((await run(outboxPage.loader, get("/admin/outbox", tok(who)))).status, who).toBe(404);
      const retry = post("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok(who));
      expect((await run(outboxPage.action, retry)).status, who).toBe(404);
    }
    expect((await status()).status).toBe("dead");
  });

  it("lists the dead letter for the org admin, and Retry puts it back in the queue", async () => {
    const page = await body(await run(outboxPage.loader, get("/admin/outbox", tok("admin"))));
    expect(page.letters).toContainEqual({
      eventId,
      consumer: broken.name,
      topic: "test.compliance-broken",
      subjectId: "subject-1",
      attempts: MAX_ATTEMPTS,
      lastError: "archive sink unreachable",
    });

    // another firm's admin cannot see or retry it
    const foreign = await body(await run(outboxPage.loader, get("/admin/outbox", tok("outsider"))));
    expect(foreign.letters.map((l: { eventId: number }) => l.eventId)).not.toContain(eventId);
    const foreignRetry = post("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("outsider"));
    expect((await run(outboxPage.action, foreignRetry)).status).toBe(404);

    const bad = await run(outboxPage.action, post("/admin/outbox", { intent: "retry", eventId: "abc", consumer: broken.name }, tok("admin")));
    expect(bad.status).toBe(400);

    const before = await auditCount();
    const res = await run(outboxPage.action, post("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("admin")));
    expect(res.status).toBe(200);
    expect(await status()).toEqual({ status: "pending", attempts: 0 });
    expect(await auditCount()).toBe(before + 1);
    const after = await body(await run(outboxPage.loader, get("/admin/outbox", tok("admin"))));
    expect(after.letters.map((l: { eventId: number }) => l.eventId)).not.toContain(eventId);

    // no longer dead: a second retry finds nothing to retry
    const again = await run(outboxPage.action, post("/admin/outbox", { intent: "retry", eventId: String(eventId), consumer: broken.name }, tok("admin")));
    expect(again.status).toBe(404);
  });
});

describe("pages render", () => {
  it("server-renders the console, an item, the audit trail, barriers and dead letters", async () => {
    const id = w.posts.deletedByAlice.id;
    const consolePage = await renderPage(console_, "/compliance", get("/compliance?q=deleted&deleted=on", tok("compliance")));
    expect(consolePage).toContain(translate("en", "compliance.auditNotice"));
    expect(consolePage).toContain(`href="/compliance/items/${id}"`);
    expect(consolePage).toContain(translate("en", "compliance.results.deleted"));
    expect(consolePage).toContain('href="/compliance/audit"');
    expect(consolePage).toContain('href="/compliance/barriers"');

    const item = await renderPage(itemPage, "/compliance/items/:id", get(`/compliance/items/${id}`, tok("compliance")));
    const { item: exported } = await body(await run(exportRoute.loader, get(`/compliance/items/${id}/export`, tok("compliance")), { id }));
    expect(item).toContain(`title="${exported.versions[1].hash}"`);
    expect(item).toContain(`href="/compliance/items/${id}/export"`);
    expect(item).toContain("Soon deleted");
    expect(item).toContain(translate("en", "compliance.action.delete"));

    expect(await renderPage(auditPage, "/compliance/audit", get("/compliance/audit", tok("compliance")))).toContain("compliance.audit.view");
    expect(await renderPage(barriersPage, "/compliance/barriers", get("/compliance/barriers", tok("compliance")))).toContain("Research / IB");
    expect(await renderPage(outboxPage, "/admin/outbox", get("/admin/outbox", tok("admin")))).toContain(translate("en", "admin.outbox.title"));
  });
});
