import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listNotifications } from "../../app/notifications/notifications.server";
import { createComment, createPost } from "../../app/content/posts.server";
import { translate } from "../../app/i18n";
import { DEFAULT_TOPICS, topicsOf } from "../../app/knowledge/listening.server";
import { consumers, drainConsumer } from "../../app/platform/outbox.server";
import * as synonymsPage from "../../app/routes/admin.synonyms";
import * as suggestApi from "../../app/routes/api.search";
import * as topicsPage from "../../app/routes/posts.$id_.topics";
import * as searchRoute from "../../app/routes/search";
import * as watchlistPage from "../../app/routes/settings.watchlist";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, readJson, renderRoute, sessionsFor } from "../support/remix";

// Search, watchlist, synonyms and topics routes called the way Remix calls them.
// Meilisearch is pointed at a closed port, so search answers from PostgreSQL
// (degraded mode) deterministically; the engine path is tested in tests/search.

const paragraph = (text: string) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });

type Hit = { id: string; kind: string; href: string; highlight: string; space: { name: string } | null };
async function search(qs: string, token: string) {
  const res = await callRoute(searchRoute.loader, getRequest(`/search?${qs}`, { token }));
  expect(res.status).toBe(200);
  const data = await readJson(res);
  return data as { filters: Record<string, unknown>; offset: number; result: { hits: Hit[]; degraded: boolean; estimatedTotal: number; nextOffset: number | null; spaceNames: Record<string, string> } | null };
}

// Every marker is unique to this file, so hits come only from the content made here.
const M = "zephyrquill";
const STATE_KEY = "__atriumSearchService";
const g = globalThis as Record<string, unknown>;
let saved: { url?: string; key?: string; state: unknown };

let w: World;
let tokens: Record<string, string>;
const ids: Record<string, string> = {};

beforeAll(async () => {
  // Before anything touches search: an unreachable engine, and a fresh service state
  // (files share globals in a worker), restored afterwards.
  saved = { url: process.env.MEILI_URL, key: process.env.MEILI_MASTER_KEY, state: g[STATE_KEY] };
  process.env.MEILI_URL = "http://127.0.0.1:1";
  delete process.env.MEILI_MASTER_KEY;
  delete g[STATE_KEY];

  w = await buildWorld();
  tokens = await sessionsFor(w, ["alice", "bob", "carol", "admin", "curator"]);
  const v = w.viewer;
  ids.open = (await createPost(await v(w.users.alice.id), { spaceId: w.spaces.open.id, body: paragraph(`Quarterly ${M} review <img src=x onerror=alert(1)>`) })).id;
  ids.priv = (await createPost(await v(w.users.alice.id), { spaceId: w.spaces.priv.id, body: paragraph(`Private ${M} numbers`) })).id;
  ids.org = (await createPost(await v(w.users.carol.id), { spaceId: null, body: paragraph(`Org-wide ${M} memo`) })).id;
  ids.comment = (await createComment(await v(w.users.bob.id), { parentId: ids.open, body: paragraph(`A ${M} comment`) })).id;
  ids.reply = (await createComment(await v(w.users.carol.id), { parentId: ids.comment, body: paragraph(`A ${M} reply to the comment`) })).id;
});

afterAll(() => {
  for (const [k, v] of [["MEILI_URL", saved.url], ["MEILI_MASTER_KEY", saved.key]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (saved.state === undefined) delete g[STATE_KEY];
  else g[STATE_KEY] = saved.state;
});

describe("search page", () => {
  it("finds a post by a word in degraded mode, escaped and highlighted, and shows the notice", async () => {
    const { result } = await search(`q=${M}`, tokens.carol);
    expect(result!.degraded).toBe(true);
    const hit = result!.hits.find((h) => h.id === ids.open)!;
    expect(hit).toBeDefined();
    expect(hit.href).toBe(`/posts/${ids.open}`);
    expect(hit.highlight).toContain(`<mark>${M}</mark>`);
    expect(hit.highlight).toContain("&lt;img");
    expect(hit.highlight).not.toContain("<img");

    const html = await renderRoute(searchRoute as never, getRequest(`/search?q=${M}`, { token: tokens.carol }));
    expect(html).toContain('role="status"');
    expect(html).toContain(translate("en", "search.degraded"));
    expect(html).toContain(`<mark>${M}</mark>`);
    expect(html).not.toContain("<img src=x");
    expect(html).toContain(`href="/posts/${ids.open}"`);
  });

  it("never gives carol a hit from the private space, even when she asks for it", async () => {
    const all = await search(`q=${M}`, tokens.carol);
    expect(all.result!.hits.map((h) => h.id)).not.toContain(ids.priv);
    const asked = await search(`q=${M}&space=${w.spaces.priv.id}`, tokens.carol);
    expect(asked.result!.hits).toEqual([]);
    expect(asked.result!.spaceNames[w.spaces.priv.id]).toBeUndefined();
    const suggestions = await readJson(await callRoute(suggestApi.loader, getRequest(`/api/search?q=${M}`, { token: tokens.carol })));
    expect(suggestions.items.map((i: { id: string }) => i.id)).not.toContain(ids.priv);
    // alice is a member and finds it.
    expect((await search(`q=${M}`, tokens.alice)).result!.hits.map((h) => h.id)).toContain(ids.priv);
  });

  it("narrows by kind and space, and links comments to their thread", async () => {
    const comments = (await search(`q=${M}&kind=comment`, tokens.alice)).result!.hits;
    expect(comments.map((h) => h.id).sort()).toEqual([ids.comment, ids.reply].sort());
    expect(comments.find((h) => h.id === ids.reply)!.href).toBe(`/posts/${ids.open}#post-${ids.reply}`);
    expect(comments.find((h) => h.id === ids.comment)!.href).toBe(`/posts/${ids.open}#post-${ids.comment}`);

    const posts = (await search(`q=${M}&kind=post&kind=bogus`, tokens.alice)).result!.hits;
    expect(posts.every((h) => h.kind === "post")).toBe(true);
    expect(posts.map((h) => h.id)).toEqual(expect.arrayContaining([ids.open, ids.priv, ids.org]));

    const open = await search(`q=${M}&kind=post&space=${w.spaces.open.id}`, tokens.alice);
    expect(open.result!.hits.map((h) => h.id)).toEqual([ids.open]);
    expect(open.result!.spaceNames[w.spaces.open.id]).toBe("Open");
    expect(open.filters.kind).toEqual(["post"]);

    // Browsing by a filter alone searches; no query and no filter shows the prompt.
    expect((await search(`kind=comment&space=${w.spaces.open.id}`, tokens.alice)).result!.hits.length).toBeGreaterThanOrEqual(2);
    expect((await search("", tokens.alice)).result).toBeNull();
  });

  it("ignores bad parameters instead of failing", async () => {
    const weird = [
      `q=${M}&offset=abc&sort=evil&since=forever&kind=%3Cscript%3E`,
      `q=${M}&offset=-5&space=%22%20OR%201%3D1&tag=%00&dept=a%5C%22b`,
      `q=${"x".repeat(500)}&offset=99999999999`,
      `q=%E0%A4%A&topic=`,
      `q=${encodeURIComponent("\"unbalanced -( OR")}`,
    ];
    for (const qs of weird) {
      const data = await search(qs, tokens.carol);
      expect(data.offset).toBe(0);
      expect((data.filters.q as string).length).toBeLessThanOrEqual(200);
      expect(data.filters.sort).toBe("relevance");
      expect(data.filters.since).toBeNull();
      expect(data.filters.kind).toEqual([]);
    }
    const paged = await search(`q=${M}&offset=1&since=30d&sort=date`, tokens.alice);
    expect(paged.offset).toBe(1);
    expect(paged.filters).toMatchObject({ since: "30d", sort: "date" });
  });

  it("saves the search to the watchlist, or says why not", async () => {
    const res = await callRoute(searchRoute.action, postRequest("/search", { intent: "save", q: `${M} review` }, { token: tokens.bob }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/settings/watchlist");
    const list = await readJson(await callRoute(watchlistPage.loader, getRequest("/settings/watchlist", { token: tokens.bob })));
    expect(list.items.map((i: { query: string }) => i.query)).toContain(`${M} review`);

    const bad = await callRoute(searchRoute.action, postRequest("/search", { intent: "save", q: "!!!" }, { token: tokens.bob, lang: "fr" }));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).errors.q).toBe(translate("fr", "watchlist.error.invalid"));
    expect((await callRoute(searchRoute.action, postRequest("/search", { intent: "nope" }, { token: tokens.bob }))).status).toBe(400);
  });
});

describe("search-as-you-type", () => {
  it("returns at most 6 short suggestions, and 401 when signed out", async () => {
    expect((await callRoute(suggestApi.loader, getRequest(`/api/search?q=${M}`))).status).toBe(401);
    const res = await callRoute(suggestApi.loader, getRequest(`/api/search?q=${M}`, { token: tokens.alice }));
    expect(res.status).toBe(200);
    const { items } = await readJson(res);
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(6);
    for (const i of items) {
      expect(i.title.length).toBeLessThanOrEqual(80);
      expect(i.highlight).toContain("<mark>");
      expect(i.href.startsWith(`/posts/${i.postId}`)).toBe(true);
    }
    expect(items.find((i: { id: string }) => i.id === ids.reply)?.postId ?? ids.open).toBe(ids.open);
    expect((await readJson(await callRoute(suggestApi.loader, getRequest("/api/search?q=z", { token: tokens.alice })))).items).toEqual([]);
  });
});

describe("watchlist", () => {
  it("adds and removes entries, with 400 and a translated message on invalid input", async () => {
    const add = await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "add", query: "#ZephyrWatch" }, { token: tokens.carol }));
    expect(add.status).toBe(200);
    await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "add", query: "$ZPHR" }, { token: tokens.carol }));
    let list = await readJson(await callRoute(watchlistPage.loader, getRequest("/settings/watchlist", { token: tokens.carol })));
    expect(list.items.map((i: { query: string; kind: string }) => [i.query, i.kind])).toEqual([
      ["#ZephyrWatch", "tag"],
      ["$ZPHR", "cashtag"],
    ]);

    for (const [query, lang] of [
      ["!!!", "en"],
      ["x".repeat(121), "fr"],
    ] as const) {
      const bad = await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "add", query }, { token: tokens.carol, lang }));
      expect(bad.status).toBe(400);
      expect((await readJson(bad)).errors.query).toBe(translate(lang, "watchlist.error.invalid"));
    }
    expect((await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "add", query: "" }, { token: tokens.carol }))).status).toBe(400);

    const first = list.items[0].id as string;
    // Someone else's entry does not exist for you.
    expect((await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "remove", id: first }, { token: tokens.alice }))).status).toBe(404);
    expect((await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "remove", id: first }, { token: tokens.carol }))).status).toBe(200);
    list = await readJson(await callRoute(watchlistPage.loader, getRequest("/settings/watchlist", { token: tokens.carol })));
    expect(list.items.map((i: { query: string }) => i.query)).toEqual(["$ZPHR"]);
  });

  it("notifies watchers of new posts they may see, and only those", async () => {
    for (const name of ["bob", "carol"] as const) {
      await callRoute(watchlistPage.action, postRequest("/settings/watchlist", { intent: "add", query: "#zephyrnews" }, { token: tokens[name] }));
    }
    const visible = await createPost(await w.viewer(w.users.alice.id), { spaceId: w.spaces.open.id, body: paragraph("Open #zephyrnews") });
    const hidden = await createPost(await w.viewer(w.users.alice.id), { spaceId: w.spaces.priv.id, body: paragraph("Private #zephyrnews") });
    const listening = consumers().find((c) => c.name === "listening")!;
    while ((await drainConsumer(w.db, listening)) > 0);
    const carols = (await listNotifications(w.users.carol.id)).items.filter((n) => n.kind === ("watch" as never));
    expect(carols.map((n) => n.subject_id)).toContain(visible.id);
    expect(carols.map((n) => n.subject_id)).not.toContain(hidden.id);
  });
});

describe("synonyms admin", () => {
  it("is 404 for a member, page and action", async () => {
    expect((await callRoute(synonymsPage.loader, getRequest("/admin/synonyms", { token: tokens.carol }))).status).toBe(404);
    expect((await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "set", term: "acme", synonyms: "akme" }, { token: tokens.carol }))).status).toBe(404);
    expect((await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "remove", term: "acme" }, { token: tokens.curator }))).status).toBe(404);
  });

  it("lets an admin add, update and remove synonyms (the engine being down is not an error)", async () => {
    const set = await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "set", term: "Demo Bank", synonyms: "demobank, demo bnak , demobank" }, { token: tokens.admin }));
    expect(set.status).toBe(200);
    let page = await readJson(await callRoute(synonymsPage.loader, getRequest("/admin/synonyms", { token: tokens.admin })));
    expect(page.items).toEqual([{ term: "demo bank", synonyms: ["demobank", "demo bnak"] }]);

    await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "set", term: "demo bank", synonyms: "dmo bank" }, { token: tokens.admin }));
    page = await readJson(await callRoute(synonymsPage.loader, getRequest("/admin/synonyms?edit=demo%20bank", { token: tokens.admin })));
    expect(page.items).toEqual([{ term: "demo bank", synonyms: ["dmo bank"] }]);
    expect(page.edit).toBe("demo bank");

    for (const fields of [
      { term: "!!", synonyms: "x" },
      { term: "demo bank", synonyms: "demo bank" },
      { term: "demo bank", synonyms: " , ," },
    ]) {
      const bad = await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "set", ...fields }, { token: tokens.admin, lang: "fr" }));
      expect(bad.status).toBe(400);
      expect(Object.values((await readJson(bad)).errors)).toContain(translate("fr", "synonyms.error.invalid"));
    }

    expect((await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "remove", term: "demo bank" }, { token: tokens.admin }))).status).toBe(200);
    expect((await callRoute(synonymsPage.action, postRequest("/admin/synonyms", { intent: "remove", term: "demo bank" }, { token: tokens.admin }))).status).toBe(404);
    expect((await readJson(await callRoute(synonymsPage.loader, getRequest("/admin/synonyms", { token: tokens.admin })))).items).toEqual([]);
  });
});

describe("topics", () => {
  it("is 404 for a member, and for a curator on a post they cannot read", async () => {
    const path = `/posts/${ids.open}/topics`;
    expect((await callRoute(topicsPage.loader, getRequest(path, { token: tokens.carol }), { id: ids.open })).status).toBe(404);
    expect((await callRoute(topicsPage.action, postRequest(path, { topic: "rates" }, { token: tokens.carol }), { id: ids.open })).status).toBe(404);
    const priv = `/posts/${ids.priv}/topics`;
    expect((await callRoute(topicsPage.loader, getRequest(priv, { token: tokens.curator }), { id: ids.priv })).status).toBe(404);
    expect((await callRoute(topicsPage.action, postRequest(priv, { topic: "rates" }, { token: tokens.curator }), { id: ids.priv })).status).toBe(404);
  });

  it("lets a curator set topics from the vocabulary plus a new one, then search filters by them", async () => {
    const path = `/posts/${ids.open}/topics`;
    const form = await readJson(await callRoute(topicsPage.loader, getRequest(path, { token: tokens.curator }), { id: ids.open }));
    expect(form.vocabulary).toEqual(expect.arrayContaining(DEFAULT_TOPICS));
    expect(form.topics).toEqual([]);

    const saved = await callRoute(topicsPage.action, postRequest(path, { topic: ["rates", "compliance"], newTopic: "Mortgage desk" }, { token: tokens.curator }), { id: ids.open });
    expect(saved.status).toBe(302);
    expect(saved.headers.get("Location")).toBe(`/posts/${ids.open}`);
    expect((await topicsOf(ids.open)).sort()).toEqual(["compliance", "mortgage desk", "rates"]);

    const hits = (await search(`q=${M}&topic=mortgage%20desk`, tokens.carol)).result!.hits;
    expect(hits.map((h) => h.id)).toEqual([ids.open]);

    const bad = await callRoute(topicsPage.action, postRequest(path, { topic: "rates", newTopic: "x" }, { token: tokens.curator, lang: "fr" }), { id: ids.open });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).errors.topic).toBe(translate("fr", "topics.error.invalid"));
    const tooMany = await callRoute(topicsPage.action, postRequest(path, { topic: DEFAULT_TOPICS, newTopic: "a1, b2, c3, d4, e5" }, { token: tokens.curator }), { id: ids.open });
    expect(tooMany.status).toBe(400);
    expect((await topicsOf(ids.open)).sort()).toEqual(["compliance", "mortgage desk", "rates"]);

    // The admin curates too; clearing every box removes the topics.
    expect((await callRoute(topicsPage.action, postRequest(path, {}, { token: tokens.admin }), { id: ids.open })).status).toBe(302);
    expect(await topicsOf(ids.open)).toEqual([]);
  });
});
