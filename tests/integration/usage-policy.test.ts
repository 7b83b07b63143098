import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createContent, deleteContent } from "../../app/content/content.server";
import { submitComment, submitPost } from "../../app/content/composer.server";
import { createComment, createPost, editPost } from "../../app/content/posts.server";
import { getDb, query, type Db } from "../../app/db/client.server";
import { translate } from "../../app/i18n";
import { createApiToken } from "../../app/integrations/tokens.server";
import { listNotifications, unreadCount } from "../../app/notifications/notifications.server";
import { drainAll } from "../../app/platform/outbox.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { answerQuestion, askQuestion, commentOn } from "../../app/qa/questions.server";
import * as adminPage from "../../app/routes/admin.usage-policy";
import * as apiPosts from "../../app/routes/api.v1.posts";
import * as compliancePage from "../../app/routes/compliance.usage-policy";
import * as homePage from "../../app/routes/_index";
import * as askPage from "../../app/routes/questions.new";
import * as policyPage from "../../app/routes/policy";
import { decideApproval, resubmitHeld, setApprovalSettings } from "../../app/spaces/approvals.server";
import { joinSpace } from "../../app/spaces/spaces.server";
import { acknowledgeUsagePolicy, acknowledgementReport, publishUsagePolicy, UsagePolicyConflict, usagePolicyForViewer } from "../../app/supervision/usage-policy.server";
import { makeOrg, makeSpace, makeUser, paragraphDoc } from "../../scripts/lib/factories";
import { buildWorld, doc, type World } from "../fixtures/world";
import { callRoute, getRequest, ORIGIN, postRequest, readJson, renderRoute, sessionsFor, type RequestOptions } from "../support/remix";

// The social-media usage policy (issue 16, item 5): once an org publishes one, nobody writes
// (post, comment, question, answer, share, edit) before accepting its current version; a new
// version blocks again; no policy, no gate. Compliance sees who accepted what and reminds.

let w: World;
let db: Db;
let tokens: Record<string, string>;
const tok = (name: string, lang?: string): RequestOptions => ({ token: tokens[name], lang });
const policyJson = (text: string) => JSON.stringify(paragraphDoc(text));

async function status(p: Promise<unknown>) {
  try {
    await p;
    return 200;
  } catch (e) {
    if (e instanceof Response) return e.status;
    throw e;
  }
}
const count = async (q: ReturnType<typeof sql>) => Number((await query<{ n: number }>(db, q))[0].n);
const contentCount = () => count(sql`select count(*)::int as n from content where org_id = ${w.org.id}`);

beforeAll(async () => {
  w = await buildWorld();
  db = await getDb();
  // carol joins the open space, so the only thing between her and posting there is the policy
  await joinSpace(await w.viewer(w.users.carol.id), w.spaces.open.id);
  tokens = await sessionsFor(w, ["alice", "bob", "carol", "admin", "compliance", "hr", "curator", "outsider"]);
});

describe("no policy published", () => {
  it("does not gate anything", async () => {
    const alice = await w.viewer(w.users.alice.id);
    expect((await usagePolicyForViewer(alice)).policy).toBeNull();
    const post = await createPost(alice, { spaceId: w.spaces.open.id, body: paragraphDoc("Before any policy") });
    expect(post.id).toBeTruthy();
    const report = await acknowledgementReport(await w.viewer(w.users.compliance.id));
    expect(report).toMatchObject({ policy: null, acknowledged: 0, pending: 0 });
  });
});

describe("the pages exist only for those who may use them", () => {
  it("admin page: 404 to everyone but org admins (loader and action), nothing stored", async () => {
    for (const who of ["alice", "compliance", "hr", "curator"]) {
      expect((await callRoute(adminPage.loader, getRequest("/admin/usage-policy", tok(who)))).status, who).toBe(404);
      expect((await callRoute(adminPage.action, postRequest("/admin/usage-policy", { intent: "publish", title: "Mine", body: policyJson("x") }, tok(who)))).status, who).toBe(404);
    }
    // the other firm's admin does not publish for this one
    expect(await count(sql`select count(*)::int as n from usage_policies where org_id = ${w.org.id}`)).toBe(0);
  });

  it("compliance page: 404 to everyone but compliance officers (loader and action)", async () => {
    for (const who of ["alice", "admin", "hr", "curator"]) {
      expect((await callRoute(compliancePage.loader, getRequest("/compliance/usage-policy", tok(who)))).status, who).toBe(404);
      expect((await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind" }, tok(who)))).status, who).toBe(404);
    }
  });

  it("bad input is a 4xx in the viewer's language and stores nothing", async () => {
    const noTitle = await callRoute(adminPage.action, postRequest("/admin/usage-policy", { intent: "publish", title: "  ", body: policyJson("Text") }, tok("admin", "fr")));
    expect(noTitle.status).toBe(400);
    expect((await readJson(noTitle)).formError).toContain(translate("fr", "usagePolicy.admin.titleField"));
    const emptyBody = await callRoute(adminPage.action, postRequest("/admin/usage-policy", { intent: "publish", title: "Policy", bodyText: "   " }, tok("admin")));
    expect(emptyBody.status).toBe(400);
    const badDoc = await callRoute(adminPage.action, postRequest("/admin/usage-policy", { intent: "publish", title: "Policy", body: JSON.stringify({ type: "doc", content: [{ type: "script" }] }) }, tok("admin")));
    expect(badDoc.status).toBe(400);
    const badVersion = await callRoute(policyPage.action, postRequest("/policy", { intent: "accept", version: "abc" }, tok("alice")));
    expect(badVersion.status).toBe(400);
    const badRemind = await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind", userId: "x'; drop table users;--" }, tok("compliance")));
    expect(badRemind.status).toBe(400);
    expect(await count(sql`select count(*)::int as n from usage_policies where org_id = ${w.org.id}`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from usage_acknowledgements where org_id = ${w.org.id}`)).toBe(0);
  });
});

describe("a published policy", () => {
  let questionId = "";

  it("is published by an org admin through the page: sanitised rich text, archived and audited", async () => {
    // a question asked before the policy, to answer later
    questionId = (await askQuestion(await w.viewer(w.users.bob.id), { title: "Which fund for a cautious client?", body: paragraphDoc("Ideas?"), tags: [], spaceId: w.spaces.open.id })).id;
    const body = JSON.stringify({
      type: "doc",
      content: [
        { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Never promise returns" }] },
        { type: "paragraph", content: [{ type: "text", text: "See ", marks: [] }, { type: "text", text: "the rules", marks: [{ type: "link", attrs: { href: "javascript:alert(1)" } }] }] },
      ],
    });
    const res = await callRoute(adminPage.action, postRequest("/admin/usage-policy", { intent: "publish", formId: "usage-policy", title: "Social media rules", body }, tok("admin")));
    // an unsafe link is refused, not stored
    expect(res.status).toBe(400);
    const ok = await callRoute(
      adminPage.action,
      postRequest("/admin/usage-policy", { intent: "publish", formId: "usage-policy", title: "Social media rules", body: body.replace("javascript:alert(1)", "https://example.com/rules") }, tok("admin")),
    );
    expect(ok.status).toBe(200);
    expect(await readJson(ok)).toEqual({ ok: true, version: 1 });
    const page = await readJson(await callRoute(adminPage.loader, getRequest("/admin/usage-policy", tok("admin"))));
    expect(page.versions).toMatchObject([{ version: 1, title: "Social media rules", acks: 0 }]);
    expect(page.policy.html).toContain("<h2>Never promise returns</h2>");
    const archived = await query<{ subject_kind: string; action: string; version: number }>(db, sql`select subject_kind, action, version from archive_records where org_id = ${w.org.id} and subject_kind = 'usage_policy'`);
    expect(archived).toEqual([{ subject_kind: "usage_policy", action: "create", version: 1 }]);
    expect(await count(sql`select count(*)::int as n from audit_log where org_id = ${w.org.id} and action = 'usage_policy.publish'`)).toBe(1);
  });

  it("a person who has not acknowledged it cannot post, comment, ask, answer, share or edit (403 naming the policy page)", async () => {
    const carol = await w.viewer(w.users.carol.id);
    const before = await contentCount();
    const tries = {
      post: () => createPost(carol, { spaceId: w.spaces.open.id, body: paragraphDoc("Blocked post") }),
      orgPost: () => createPost(carol, { spaceId: null, body: paragraphDoc("Blocked org-wide post") }),
      comment: () => createComment(carol, { parentId: w.posts.openByAlice.id, body: paragraphDoc("Blocked comment") }),
      question: () => askQuestion(carol, { title: "Blocked question?", body: paragraphDoc("?"), tags: [], spaceId: null }),
      answer: () => answerQuestion(carol, questionId, paragraphDoc("Blocked answer")),
      qaComment: () => commentOn(carol, questionId, paragraphDoc("Blocked comment on a question")),
      raw: () => createContent(carol, { kind: "post", spaceId: null, ...doc("Blocked raw write") }),
      edit: () => editPost(carol, w.posts.orgByCarol.id, paragraphDoc("Blocked edit")),
    };
    for (const [kind, attempt] of Object.entries(tries)) {
      const e = await (attempt() as Promise<unknown>).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, kind).toBeInstanceOf(Response);
      const r = e as Response;
      expect(r.status, kind).toBe(403);
      const body = await r.clone().json().catch(async () => ({ text: await r.text() }));
      expect(body, kind).toMatchObject({ status: 403, policyUrl: "/policy", version: 1 });
      expect(body.detail, kind).toContain("/policy");
    }
    expect(await contentCount()).toBe(before);
    // deleting one's own post is not writing: still allowed
    expect(await status(deleteContent(carol, w.posts.orgByCarol.id))).toBe(200);
  });

  it("the forms answer the refusal as a 403 with the message in the viewer's language and the link", async () => {
    const home = await callRoute(homePage.action, postRequest("/?index", { intent: "post", formId: "home", bodyText: "Hello", spaceId: "" }, tok("alice", "fr")));
    expect(home.status).toBe(403);
    expect(await readJson(home)).toMatchObject({ ok: false, formError: translate("fr", "usagePolicy.required"), formLink: "/policy" });
    const ask = await callRoute(askPage.action, postRequest("/questions/new", { title: "A question from a form?", bodyText: "Body", tags: "" }, tok("alice")));
    expect(ask.status).toBe(403);
    expect(await readJson(ask)).toMatchObject({ formLink: "/policy", errors: { _form: translate("en", "usagePolicy.required") } });
    // the REST API passes the problem details through
    const adminV = await w.viewer(w.users.admin.id);
    const made = await createApiToken(adminV, { kind: "personal", name: "writer", ownerId: w.users.alice.id, scopes: ["write"], expiresInDays: null });
    const api = await callRoute(
      apiPosts.action,
      new Request(ORIGIN + "/api/v1/posts", { method: "POST", headers: { Authorization: `Bearer ${made.token}`, "Content-Type": "application/json" }, body: JSON.stringify({ text: "From a script", spaceId: w.spaces.open.id }) }),
    );
    expect(api.status).toBe(403);
    expect(api.headers.get("Content-Type")).toContain("application/problem+json");
    expect(await readJson(api)).toMatchObject({ policyUrl: "/policy" });
  });

  it("the person reads it on /policy, accepts, and then posts; the acceptance is archived and audited", async () => {
    const page = await readJson(await callRoute(policyPage.loader, getRequest("/policy", tok("alice"))));
    expect(page).toMatchObject({ current: false, acknowledged: null, policy: { version: 1, title: "Social media rules" } });
    const html = await renderRoute(policyPage, getRequest("/policy", tok("alice")));
    expect(html).toContain(translate("en", "usagePolicy.accept"));
    expect(html).not.toContain("javascript:");
    const res = await callRoute(policyPage.action, postRequest("/policy", { intent: "accept", version: "1" }, tok("alice")));
    expect(res.status).toBe(200);
    // twice is harmless: one acknowledgement, one archived version
    expect((await callRoute(policyPage.action, postRequest("/policy", { intent: "accept", version: "1" }, tok("alice")))).status).toBe(200);
    expect(await count(sql`select count(*)::int as n from usage_acknowledgements where user_id = ${w.users.alice.id}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from archive_records where org_id = ${w.org.id} and subject_kind = 'usage_acknowledgement' and actor_id = ${w.users.alice.id}`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from audit_log where org_id = ${w.org.id} and action = 'usage_policy.acknowledge' and actor_id = ${w.users.alice.id}`)).toBe(1);
    const alice = await w.viewer(w.users.alice.id);
    const post = await submitPost(alice, { bodyText: "Posting after accepting", spaceId: w.spaces.open.id });
    expect(post.kind).toBe("post");
    expect((await submitComment(alice, { bodyText: "And a comment", parentId: post.id })).kind).toBe("comment");
    expect((await answerQuestion(alice, questionId, paragraphDoc("An answer"))).kind).toBe("answer");
    expect((await askQuestion(alice, { title: "And a question of mine?", body: paragraphDoc("?"), tags: [], spaceId: null })).kind).toBe("question");
  });

  it("compliance sees who accepted which version and when, and who has not", async () => {
    const res = await callRoute(compliancePage.loader, getRequest("/compliance/usage-policy", tok("compliance")));
    expect(res.status).toBe(200);
    const report = await readJson(res);
    type Person = { id: string; version: number | null; at: string | null; current: boolean };
    const byId = new Map((report.people as Person[]).map((p) => [p.id, p]));
    expect(byId.get(w.users.alice.id)).toMatchObject({ version: 1, current: true });
    expect(byId.get(w.users.alice.id)?.at).toBeTruthy();
    expect(byId.get(w.users.carol.id)).toMatchObject({ version: null, current: false, at: null });
    // dave is deactivated: not listed; the other firm's people never are
    expect(byId.has(w.users.dave.id)).toBe(false);
    expect(byId.has(w.users.outsider.id)).toBe(false);
    const active = await count(sql`select count(*)::int as n from users where org_id = ${w.org.id} and status = 'active'`);
    expect(report.acknowledged).toBe(1);
    expect(report.pending).toBe(active - 1);
    // not acknowledged first
    expect(report.people[0].current).toBe(false);
    expect(report.people[report.people.length - 1].id).toBe(w.users.alice.id);
  });

  it("compliance reminds one person or everyone who has not accepted: notifications, recorded", async () => {
    const one = await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind", userId: w.users.carol.id }, tok("compliance")));
    expect(await readJson(one)).toEqual({ ok: true, count: 1 });
    // someone who already accepted: 409, nobody notified
    const done = await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind", userId: w.users.alice.id }, tok("compliance")));
    expect(done.status).toBe(409);
    // someone from another firm: 404
    expect((await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind", userId: w.users.outsider.id }, tok("compliance")))).status).toBe(404);
    const all = await readJson(await callRoute(compliancePage.action, postRequest("/compliance/usage-policy", { intent: "remind" }, tok("compliance"))));
    const pending = (await acknowledgementReport(await w.viewer(w.users.compliance.id))).pending;
    // everyone pending but the reminding officer themselves
    expect(all.count).toBe(pending - 1);
    const carolNotes = (await listNotifications(w.users.carol.id)).items.filter((n) => n.kind === "usage_policy");
    expect(carolNotes).toHaveLength(2);
    expect(carolNotes[0]).toMatchObject({ excerpt: "Social media rules", actor_name: w.users.compliance.name });
    expect(await unreadCount(w.users.carol.id)).toBeGreaterThanOrEqual(2);
    expect(await count(sql`select count(*)::int as n from notifications where user_id = ${w.users.alice.id} and kind = 'usage_policy'`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from audit_log where org_id = ${w.org.id} and action = 'usage_policy.remind'`)).toBe(2);
    const report = await acknowledgementReport(await w.viewer(w.users.compliance.id));
    expect(report.people.find((p) => p.id === w.users.carol.id)?.remindedAt).toBeTruthy();
  });

  it("a new version blocks again until it is accepted; accepting an outdated version is refused", async () => {
    await publishUsagePolicy(await w.viewer(w.users.admin.id), { title: "Social media rules (2)", body: policyJson("Also: no client names.") });
    const alice = await w.viewer(w.users.alice.id);
    expect(await status(createPost(alice, { spaceId: w.spaces.open.id, body: paragraphDoc("After v2") }))).toBe(403);
    const page = await usagePolicyForViewer(alice);
    expect(page).toMatchObject({ current: false, acknowledged: { version: 1 }, policy: { version: 2 } });
    const html = await renderRoute(policyPage, getRequest("/policy", tok("alice")));
    expect(html).toContain(translate("en", "usagePolicy.newVersion", { version: 1 }));
    // an old tab accepting version 1: 409, nothing stored
    const stale = await callRoute(policyPage.action, postRequest("/policy", { intent: "accept", version: "1" }, tok("alice")));
    expect(stale.status).toBe(409);
    await expect(acknowledgeUsagePolicy(alice, 3)).rejects.toBeInstanceOf(UsagePolicyConflict);
    expect(await count(sql`select count(*)::int as n from usage_acknowledgements where user_id = ${w.users.alice.id}`)).toBe(1);
    await acknowledgeUsagePolicy(alice, 2);
    expect((await createPost(alice, { spaceId: w.spaces.open.id, body: paragraphDoc("After accepting v2") })).kind).toBe("post");
    const report = await acknowledgementReport(await w.viewer(w.users.compliance.id));
    expect(report.versions.map((v) => [v.version, v.acks])).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(report.acknowledged).toBe(1);
  });

  it("another firm is not gated by this firm's policy", async () => {
    const other = await makeOrg("Ungated Bank");
    const u = await makeUser(other.id);
    expect((await createPost(await loadViewer(db, u.id), { spaceId: null, body: paragraphDoc("Free to post") })).kind).toBe("post");
  });
});

describe("pre-approval notifications", () => {
  it("the approvers of the tier a post waits at are told; the author hears of the outcome", async () => {
    const org = await makeOrg("Approval Notice Bank");
    const mk = (name: string) => makeUser(org.id, { name });
    const owner = await mk("Owner");
    const author = await mk("Author");
    const t1 = await mk("Tier One");
    const t2 = await mk("Tier Two");
    const reader = await mk("Reader");
    const space = await makeSpace(await loadViewer(db, owner.id), { name: "Reviewed" });
    for (const x of [author, t1, t2, reader]) await joinSpace(await loadViewer(db, x.id), space.id);
    await setApprovalSettings(await loadViewer(db, owner.id), space.id, { tiers: 2, seats: [{ tier: 1, userId: t1.id }, { tier: 2, userId: t2.id }] });
    const v = async (x: { id: string }) => loadViewer(db, x.id);
    const kinds = async (userId: string, contentId: string) =>
      (await query<{ kind: string }>(db, sql`select kind from notifications where user_id = ${userId} and subject_id = ${contentId} order by created_at, kind`)).map((r) => r.kind);

    const post = await createPost(await v(author), { spaceId: space.id, body: paragraphDoc("Please approve") });
    await drainAll(db);
    expect(await kinds(t1.id, post.id)).toEqual(["approval_requested"]);
    expect(await kinds(t2.id, post.id)).toEqual([]);
    expect(await kinds(reader.id, post.id)).toEqual([]);
    expect(await kinds(author.id, post.id)).toEqual([]);
    // shown on the approver's notifications page, linking to the post
    const listed = (await listNotifications(t1.id)).items.find((n) => n.subject_id === post.id);
    expect(listed).toMatchObject({ kind: "approval_requested", actor_name: "Author" });

    await decideApproval(await v(t1), post.id, { decision: "approve" });
    await drainAll(db);
    expect(await kinds(t2.id, post.id)).toEqual(["approval_requested"]);
    await decideApproval(await v(t2), post.id, { decision: "reject", reason: "Add a disclaimer" });
    await drainAll(db);
    expect(await kinds(author.id, post.id)).toEqual(["approval_rejected"]);
    expect(await kinds(reader.id, post.id)).toEqual([]);

    await resubmitHeld(await v(author), post.id);
    await drainAll(db);
    expect(await kinds(t1.id, post.id)).toEqual(["approval_requested", "approval_requested"]);
    await decideApproval(await v(t1), post.id, { decision: "approve" });
    await decideApproval(await v(t2), post.id, { decision: "approve" });
    await drainAll(db);
    expect(await kinds(author.id, post.id)).toEqual(["approval_rejected", "approval_approved"]);
    // the reader is told nothing of approvals (a mention or reply would tell them, once published)
    expect(await kinds(reader.id, post.id)).toEqual([]);
  });
});
