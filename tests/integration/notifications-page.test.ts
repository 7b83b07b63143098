import { and, eq, inArray } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteContent, setReaction } from "../../app/content/content.server";
import { getDb } from "../../app/db/client.server";
import { notifications } from "../../app/db/schema";
import { NOTIFICATION_PAGE, unreadCount } from "../../app/notifications/notifications.server";
import { loadViewer } from "../../app/policy/viewer.server";
import * as page from "../../app/routes/notifications";
import { newId } from "../../app/utils/ids";
import { makeOrg, makePost, makeSpace, makeUser } from "../../scripts/lib/factories";
import { drainAll } from "../../app/platform/outbox.server";
import { createSession } from "../../app/identity/session.server";
import { callRoute, getRequest, postRequest, readJson, renderRoute, type RouteFunction } from "../support/remix";

// Notifications (issue 14): grouped ("Bob and 3 others reacted"), paged past 50, opened → read,
// mark one or all read, and nobody touches another person's notifications.

let ctx: Awaited<ReturnType<typeof setup>>;

async function setup() {
  const db = await getDb();
  const org = await makeOrg("Notify Bank");
  const alice = await makeUser(org.id, { name: "Alice Author" });
  const bob = await makeUser(org.id, { name: "Bob Reactor" });
  const others = [await makeUser(org.id, { name: "Other One" }), await makeUser(org.id, { name: "Other Two" }), await makeUser(org.id, { name: "Other Three" })];
  const va = await loadViewer(db, alice.id);
  const post = await makePost(va, { text: "Counterparty limits for Q3" });
  for (const u of [...others, bob]) await setReaction(await loadViewer(db, u.id), post.id, "like", true);
  await drainAll();
  const token = { alice: (await createSession(alice.id)).token, bob: (await createSession(bob.id)).token };
  return { db, org, alice, bob, post, token };
}

beforeAll(async () => {
  ctx = await setup();
});

describe("the notifications page", () => {
  it("groups reactions on one post: the newest reactor and the number of others", async () => {
    const data = await readJson((await callRoute(page.loader, getRequest("/notifications", { token: ctx.token.alice }))) as Response);
    const reactions = data.groups.filter((g: { kind: string }) => g.kind === "reaction");
    expect(reactions).toHaveLength(1);
    expect(reactions[0].ids).toHaveLength(4);
    expect(reactions[0].others).toBe(3);
    expect(reactions[0].unread).toBe(true);
    expect(reactions[0].href).toBe(`/posts/${ctx.post.id}`);
    const html = await renderRoute(page, getRequest("/notifications", { token: ctx.token.alice }));
    expect(html).toContain("Bob Reactor and 3 others reacted to your post");
  });

  it("opening a group marks it read and goes to the post; another person's ids are left alone", async () => {
    const before = await unreadCount(ctx.alice.id);
    const data = await readJson((await callRoute(page.loader, getRequest("/notifications", { token: ctx.token.alice }))) as Response);
    const g = data.groups.find((x: { kind: string }) => x.kind === "reaction");
    // Bob cannot mark Alice's notifications read
    await callRoute(page.action, postRequest("/notifications", { intent: "markRead", ids: g.ids.join(",") }, { token: ctx.token.bob }));
    expect(await unreadCount(ctx.alice.id)).toBe(before);
    const res = (await callRoute(page.action, postRequest("/notifications", { intent: "open", ids: g.ids.join(","), to: g.href }, { token: ctx.token.alice }))) as Response;
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/posts/${ctx.post.id}`);
    expect(await unreadCount(ctx.alice.id)).toBe(before - 4);
    // an outside target is not followed
    const evil = (await callRoute(page.action, postRequest("/notifications", { intent: "open", ids: g.ids[0], to: "//evil.example" }, { token: ctx.token.alice }))) as Response;
    expect(new URL(evil.headers.get("Location")!, "http://x").host).toBe("x");
  });

  it("pages past the first page without repeats or gaps; mark one read, then all", async () => {
    // 120 mentions of Alice (rows made directly: the list is what is tested here)
    const rows = Array.from({ length: 120 }, (_, i) => ({
      id: newId(),
      orgId: ctx.org.id,
      userId: ctx.alice.id,
      kind: "mention" as const,
      subjectId: ctx.post.id,
      actorId: ctx.bob.id,
      eventId: null,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, Math.floor(i / 2))), // pairs share a timestamp
    }));
    await ctx.db.insert(notifications).values(rows);
    const seen: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const q: string = before ? `?before=${encodeURIComponent(before)}` : "";
      const data = await readJson((await callRoute(page.loader, getRequest(`/notifications${q}`, { token: ctx.token.alice }))) as Response);
      for (const g of data.groups) seen.push(...g.ids);
      before = data.nextCursor;
      pages++;
    } while (before && pages < 10);
    const total = (await ctx.db.select().from(notifications).where(eq(notifications.userId, ctx.alice.id))).length;
    expect(pages).toBe(Math.ceil(total / NOTIFICATION_PAGE));
    expect(pages).toBeGreaterThan(2);
    const mine = new Set<string>(rows.map((r) => r.id));
    const listed = seen.filter((id) => mine.has(id));
    expect(listed).toHaveLength(120);
    expect(new Set(listed).size).toBe(120);

    await callRoute(page.action, postRequest("/notifications", { intent: "markRead", ids: rows[0].id }, { token: ctx.token.alice }));
    const [one] = await ctx.db.select().from(notifications).where(eq(notifications.id, rows[0].id));
    expect(one.readAt).not.toBeNull();
    await callRoute(page.action, postRequest("/notifications", { intent: "markAllRead" }, { token: ctx.token.alice }));
    const left = await ctx.db.select().from(notifications).where(and(eq(notifications.userId, ctx.alice.id), inArray(notifications.id, rows.map((r) => r.id))));
    expect(left.every((r) => r.readAt !== null)).toBe(true);
    expect(await unreadCount(ctx.alice.id)).toBe(0);
  });

  it("refuses bad input with 400 and changes nothing", async () => {
    const bad: Record<string, string>[] = [{ intent: "open", ids: "", to: "/" }, { intent: "markRead", ids: "x".repeat(3000) }, { intent: "nope" }];
    for (const fields of bad) {
      const res = (await callRoute(page.action, postRequest("/notifications", fields, { token: ctx.token.alice }))) as Response;
      expect(res.status).toBe(400);
    }
  });
});

describe("the unread badge", () => {
  it("counts the unread notifications about what the person may still read, and those about no content", async () => {
    const db = await getDb();
    const org = await makeOrg("Badge Bank");
    const reader = await makeUser(org.id, { name: "Badge Reader" });
    const author = await makeUser(org.id, { name: "Badge Author" });
    const va = await loadViewer(db, author.id);
    const closed = await makeSpace(va, { visibility: "private", joinPolicy: "invite" });
    const open = await makePost(va, { text: "Readable by everyone in the org" });
    const secret = await makePost(await loadViewer(db, author.id), { spaceId: closed.id, text: "Only the closed space reads this" });
    const gone = await makePost(va, { text: "Deleted by its author" });
    await deleteContent(va, gone.id);
    const row = (kind: string, subjectId: string, read = false) => ({
      id: newId(), orgId: org.id, userId: reader.id, kind, subjectId, actorId: author.id, readAt: read ? new Date() : null,
    });
    await db.insert(notifications).values([
      row("mention", open.id),
      row("reaction", open.id),
      row("mention", secret.id), // a space the reader is not in
      row("mention", gone.id), // deleted
      row("mention", open.id, true), // already read
      row("usage_policy", "policy-v2"), // about no content
    ]);
    const viewer = await loadViewer(db, reader.id);
    expect(await unreadCount(reader.id, db, viewer)).toBe(3);
    // the space's author reads its post: the same rows for them count the closed space's one too
    await db.insert(notifications).values([{ ...row("mention", secret.id), userId: author.id }, { ...row("mention", open.id), userId: author.id }]);
    expect(await unreadCount(author.id, db, await loadViewer(db, author.id))).toBe(2);
    // and the shell's badge is this count
    const token = (await createSession(reader.id)).token;
    const { loader } = await import("../../app/root");
    const shell = (await (loader as RouteFunction)({ request: getRequest("/", { token }), params: {}, context: {} })) as { unread: number };
    expect(shell.unread).toBe(3);
  });
});
