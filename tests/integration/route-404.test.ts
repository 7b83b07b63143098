import fs from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, postRequest, sessionsFor } from "../support/remix";

// Every route that takes an id answers 404 — never the content, never a 403 that
// would confirm the thing exists — to a viewer who may not see it. The table must
// name every `$param` route, so a new one cannot slip through untested.

type Case = { viewer: keyof World["users"]; params: (w: World) => Record<string, string>; secret: (w: World) => string | null; post?: string };
const body = encodeURIComponent(JSON.stringify({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "hello" }] }] }));

// Q&A items built in beforeAll: a question (and its answer) in the private space, and a
// Research question ivan may not see across the barrier.
const qa = { privQuestion: "", privAnswer: "", researchQuestion: "" };
// a finished eDiscovery export of the world's org (built in beforeAll)
const records = { exportId: "" };
const privatePost: Case = { viewer: "carol", params: (w) => ({ id: w.posts.privByAlice.id }), secret: () => "Private post" };
const CASES: Record<string, Case[]> = {
  "posts.$id.tsx": [privatePost, { viewer: "ivan", params: (w) => ({ id: w.posts.openByBob.id }), secret: () => "Open post by Bob" }, { viewer: "alice", params: (w) => ({ id: w.posts.deletedByAlice.id }), secret: () => "Soon deleted" }],
  "posts.$id_.edit.tsx": [{ ...privatePost, post: `intent=edit&body=${body}` }, { viewer: "carol", params: (w) => ({ id: w.posts.secretByBob.id }), secret: () => "Secret post", post: `intent=edit&body=${body}` }],
  "posts.$id_.history.tsx": [privatePost, { viewer: "alice", params: (w) => ({ id: w.posts.deletedByAlice.id }), secret: () => "Soon deleted" }],
  "posts.$id_.topics.tsx": [privatePost],
  "people.$id.tsx": [{ viewer: "ivan", params: (w) => ({ id: w.users.bob.id }), secret: (w) => w.users.bob.name, post: "intent=follow" }, { viewer: "alice", params: (w) => ({ id: w.users.outsider.id }), secret: (w) => w.users.outsider.name, post: "intent=follow" }, { viewer: "ivan", params: (w) => ({ id: w.users.bob.id }), secret: (w) => w.users.bob.name, post: "intent=endorse&skillId=x" }],
  "people.$id_.edit.tsx": [{ viewer: "ivan", params: (w) => ({ id: w.users.bob.id }), secret: (w) => w.users.bob.name, post: "bio=hello" }, { viewer: "alice", params: (w) => ({ id: w.users.outsider.id }), secret: (w) => w.users.outsider.name, post: "bio=hello" }],
  "spaces.$slug.tsx": [{ viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: () => "Secret", post: "intent=join" }, { viewer: "ivan", params: (w) => ({ slug: w.spaces.research.slug }), secret: () => "Research desk", post: "intent=follow" }],
  "spaces.$slug._index.tsx": [{ viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: () => "Secret post", post: `intent=post&body=${body}` }],
  "spaces.$slug.about.tsx": [{ viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: () => "Secret" }],
  "spaces.$slug.members.tsx": [{ viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: (w) => w.users.bob.name }],
  // a space's approvals queue: not to outsiders of a secret space, nor where the space has no pre-approval
  "spaces.$slug.approvals.tsx": [
    { viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: () => "Secret", post: "intent=approve&contentId=SECRET_POST" },
    { viewer: "bob", params: (w) => ({ slug: w.spaces.open.slug }), secret: () => null, post: "intent=approve&contentId=SECRET_POST" },
  ],
  "spaces.$slug.settings.tsx": [{ viewer: "carol", params: (w) => ({ slug: w.spaces.secret.slug }), secret: () => "Secret" }, { viewer: "bob", params: (w) => ({ slug: w.spaces.priv.slug }), secret: () => null }],
  "compliance.items.$id.tsx": [{ viewer: "alice", params: (w) => ({ id: w.posts.openByAlice.id }), secret: () => "Open post by Alice" }, { viewer: "carol", params: (w) => ({ id: w.posts.secretByBob.id }), secret: () => "Secret post" }],
  "compliance.exports.$id.ts": [{ viewer: "alice", params: () => ({ id: records.exportId }), secret: () => null }],
  "compliance.items.$id.export.ts": [{ viewer: "alice", params: (w) => ({ id: w.posts.deletedByAlice.id }), secret: () => "Soon deleted" }],
  "questions.$id.tsx": [
    { viewer: "carol", params: () => ({ id: qa.privQuestion }), secret: () => "Private question about fees", post: "intent=answer&bodyText=hello" },
    { viewer: "carol", params: () => ({ id: qa.privQuestion }), secret: () => "Private question about fees", post: "intent=vote&value=1&target=PRIV_ANSWER" },
    { viewer: "ivan", params: () => ({ id: qa.researchQuestion }), secret: () => "Research question behind the wall", post: "intent=follow&on=true" },
  ],
  "invite.$token.tsx": [{ viewer: "carol", params: () => ({ token: "not-a-real-invite-token-123" }), secret: () => null, post: "name=Mallory&password=a+long+enough+password" }],
};
// Not ids of protected things: the splat 404s everything; tag pages list only what each viewer may see.
const NOT_ID_ROUTES = new Set(["$.tsx", "tags.$tag.tsx", "cashtags.$ticker.tsx"]);

let world: World;
let tokens: Record<string, string>;

beforeAll(async () => {
  world = await buildWorld();
  tokens = await sessionsFor(world, ["alice", "bob", "carol", "ivan"]);
  const { askQuestion, answerQuestion } = await import("../../app/qa/questions.server");
  const doc = (text: string) => ({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });
  const alice = await world.viewer(world.users.alice.id);
  qa.privQuestion = (await askQuestion(alice, { title: "Private question about fees", body: doc("fees"), tags: ["#fees"], spaceId: world.spaces.priv.id })).id;
  qa.privAnswer = (await answerQuestion(alice, qa.privQuestion, doc("Private answer"))).id;
  qa.researchQuestion = (await askQuestion(await world.viewer(world.users.bob.id), { title: "Research question behind the wall", body: doc("r"), tags: [], spaceId: world.spaces.open.id })).id;
});

// its own hook (and time): one finished eDiscovery export of the world's org
beforeAll(async () => {
  const { requestExport, buildExport } = await import("../../app/records/export.server");
  records.exportId = (await requestExport(await world.viewer(world.users.compliance.id), { q: "" })).id;
  await buildExport(world.db, records.exportId);
}, 60_000);

/** A GET, or a POST of the url-encoded `form`, as `viewer`: the status and the body text. */
async function call(fn: unknown, method: "GET" | "POST", viewer: string, params: Record<string, string>, form: string) {
  const opts = { token: tokens[viewer] };
  const request = method === "POST" ? postRequest("/x", Object.fromEntries(new URLSearchParams(form.replace("PRIV_ANSWER", qa.privAnswer).replace("SECRET_POST", world.posts.secretByBob.id))), opts) : getRequest("/x", opts);
  const res = await callRoute(fn, request, params, { clientIp: "10.0.0.1" });
  return { status: res.status, body: await res.text() };
}

describe("routes that take an id", () => {
  it("the table covers every $param route", () => {
    // /api/v1 and /scim/v2 authenticate by bearer token, not the session: their tables are in api.test.ts and scim.test.ts
    const routes = fs.readdirSync("app/routes").filter((f) => f.includes("$") && !NOT_ID_ROUTES.has(f) && !/^(api\.v1|scim\.v2)\./.test(f));
    expect(routes.filter((r) => !CASES[r]).sort()).toEqual([]);
  });

  for (const [file, cases] of Object.entries(CASES)) {
    it(`${file}: 404 to a viewer who may not see it, and for an unknown id`, async () => {
      const mod = await import(/* @vite-ignore */ `../../app/routes/${file}`);
      // a nested route without a loader of its own is guarded by its layout (spaces.$slug.tsx)
      expect(mod.loader || mod.action || file.startsWith("spaces.$slug.")).toBeTruthy();
      const unknown = Object.fromEntries(Object.keys(cases[0].params(world)).map((k) => [k, "00000000-0000-0000-0000-000000000000"]));
      for (const c of cases) {
        const params = c.params(world);
        const secret = c.secret(world);
        if (mod.loader) {
          const r = await call(mod.loader, "GET", c.viewer, params, "");
          expect(r.status, `GET ${file} as ${c.viewer}`).toBe(404);
          if (secret) expect(r.body).not.toContain(secret);
          // an id that does not exist answers exactly the same way
          expect((await call(mod.loader, "GET", c.viewer, unknown, "")).status).toBe(404);
        }
        if (mod.action) {
          for (const form of [c.post, "intent=delete"].filter(Boolean) as string[]) {
            const r = await call(mod.action, "POST", c.viewer, params, form);
            const missing = await call(mod.action, "POST", c.viewer, unknown, form);
            if (form === c.post) expect(r.status, `POST ${file} as ${c.viewer} (${form.slice(0, 30)})`).toBe(404);
            // no oracle: a hidden thing and a missing thing get the same answer
            expect(r.status, `POST ${file}: hidden vs missing`).toBe(missing.status);
            expect([400, 404]).toContain(r.status);
            if (secret) expect(r.body).not.toContain(secret);
          }
        }
      }
    });
  }
});
