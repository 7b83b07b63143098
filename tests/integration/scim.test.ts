import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, content, users } from "../../app/db/schema";
import { createSession, validateSessionToken } from "../../app/identity/session.server";
import { createApiToken } from "../../app/integrations/tokens.server";
import { loadViewer } from "../../app/policy/viewer.server";
import * as groupOne from "../../app/routes/scim.v2.Groups.$id";
import * as groups from "../../app/routes/scim.v2.Groups";
import * as resourceTypes from "../../app/routes/scim.v2.ResourceTypes";
import * as schemas from "../../app/routes/scim.v2.Schemas";
import * as spc from "../../app/routes/scim.v2.ServiceProviderConfig";
import * as userOne from "../../app/routes/scim.v2.Users.$id";
import * as usersRoute from "../../app/routes/scim.v2.Users";
import { makeOrg, makePost, makeUser } from "../../scripts/lib/factories";
import { callRoute, ORIGIN, readJson } from "../support/remix";

// SCIM 2.0 against the examples of RFC 7643 §8 and RFC 7644 §3 (creation, filter, PUT, PATCH, ETags,
// deactivation, delete), for one organisation's SCIM token.

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

let orgId: string;
let adminId: string;
let scim: string;
let otherScim: string;
let apiAdmin: string;
let tag: string;

const req = (path: string, token: string | undefined, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("Content-Type", "application/scim+json");
  return new Request(ORIGIN + path, { method: init.method ?? (init.body ? "POST" : "GET"), headers, body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body) });
};

/** The RFC 7643 §8.2 full user (trimmed to what Atrium keeps), made unique for this run. */
const bjensen = () => ({
  schemas: [USER, ENTERPRISE],
  externalId: `701984-${tag}`,
  userName: `bjensen-${tag}@example.com`,
  name: { formatted: "Ms. Barbara J Jensen, III", familyName: "Jensen", givenName: "Barbara", middleName: "Jane" },
  displayName: "Babs Jensen",
  nickName: "Babs",
  emails: [
    { value: `bjensen-${tag}@example.com`, type: "work", primary: true },
    { value: `babs-${tag}@jensen.org`, type: "home" },
  ],
  title: "Tour Guide",
  locale: "en-US",
  active: true,
  [ENTERPRISE]: { department: "Tour Operations" },
});

beforeAll(async () => {
  tag = Math.random().toString(36).slice(2, 8);
  const org = await makeOrg("SCIM Bank");
  const other = await makeOrg("Other SCIM Bank");
  orgId = org.id;
  const admin = await makeUser(org.id, { roles: ["admin", "member"] });
  const otherAdmin = await makeUser(other.id, { roles: ["admin", "member"] });
  adminId = admin.id;
  const { getDb } = await import("../../app/db/client.server");
  const db = await getDb();
  const v = await loadViewer(db, admin.id);
  scim = (await createApiToken(v, { kind: "scim", name: "IdP", ownerId: admin.id, scopes: ["scim"], expiresInDays: null })).token;
  apiAdmin = (await createApiToken(v, { kind: "service", name: "API", ownerId: admin.id, scopes: ["read", "write", "admin"], expiresInDays: null })).token;
  otherScim = (await createApiToken(await loadViewer(db, otherAdmin.id), { kind: "scim", name: "IdP", ownerId: otherAdmin.id, scopes: ["scim"], expiresInDays: null })).token;
});

async function db() {
  const { getDb } = await import("../../app/db/client.server");
  return getDb();
}

describe("SCIM authentication", () => {
  it("refuses no token (401), an API token without the scim scope (403), in SCIM's error format", async () => {
    const none = await callRoute(usersRoute.loader, req("/scim/v2/Users", undefined));
    expect(none.status).toBe(401);
    expect(await readJson(none)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    const api = await callRoute(usersRoute.loader, req("/scim/v2/Users", apiAdmin));
    expect(api.status).toBe(403);
    expect(api.headers.get("Content-Type")).toBe("application/scim+json");
    expect((await callRoute(usersRoute.loader, req("/scim/v2/Users", scim))).status).toBe(200);
  });

  it("serves ServiceProviderConfig, ResourceTypes and Schemas", async () => {
    const conf = await readJson(await callRoute(spc.loader, req("/scim/v2/ServiceProviderConfig", scim)));
    expect(conf).toMatchObject({ patch: { supported: true }, filter: { supported: true }, etag: { supported: true }, bulk: { supported: false } });
    const types = await readJson(await callRoute(resourceTypes.loader, req("/scim/v2/ResourceTypes", scim)));
    expect(types.Resources.map((r: { id: string }) => r.id)).toEqual(["User", "Group"]);
    const s = await readJson(await callRoute(schemas.loader, req("/scim/v2/Schemas", scim)));
    expect(s.Resources.map((r: { id: string }) => r.id)).toContain(USER);
  });
});

describe("SCIM Users", () => {
  let id: string;
  let etag: string;

  it("creates the RFC 7643 user (201, Location, ETag), refuses a duplicate (409 uniqueness), audits", async () => {
    const res = await callRoute(usersRoute.action, req("/scim/v2/Users", scim, { body: bjensen() }));
    expect(res.status).toBe(201);
    const u = await readJson(res);
    id = u.id;
    etag = res.headers.get("ETag")!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
    expect(res.headers.get("Location")).toBe(u.meta.location);
    expect(u).toMatchObject({ userName: `bjensen-${tag}@example.com`, externalId: `701984-${tag}`, displayName: "Babs Jensen", title: "Tour Guide", active: true, [ENTERPRISE]: { department: "Tour Operations" } });
    const [row] = await (await db()).select().from(users).where(eq(users.id, id));
    expect(row).toMatchObject({ orgId, email: `bjensen-${tag}@example.com`, passwordHash: null, status: "active" });
    const dup = await callRoute(usersRoute.action, req("/scim/v2/Users", scim, { body: bjensen() }));
    expect(dup.status).toBe(409);
    expect((await readJson(dup)).scimType).toBe("uniqueness");
    const audit = await (await db()).select().from(auditLog).where(and(eq(auditLog.orgId, orgId), eq(auditLog.targetId, id)));
    expect(audit.map((a) => a.action)).toEqual(["scim.user.create"]);
  });

  it("keeps a userName that is not an email (RFC 7644 §3.3 'bjensen') beside the work email", async () => {
    const body = { schemas: [USER], userName: `bj-${tag}`, externalId: `bj-${tag}`, name: { familyName: "Jensen", givenName: "Barbara" }, emails: [{ value: `bj-${tag}@example.com`, primary: true }] };
    const res = await callRoute(usersRoute.action, req("/scim/v2/Users", scim, { body }));
    expect(res.status).toBe(201);
    expect(await readJson(res)).toMatchObject({ userName: `bj-${tag}`, displayName: "Barbara Jensen", emails: [{ value: `bj-${tag}@example.com` }] });
    // without any email Atrium cannot create the person: 400, nothing stored
    const noMail = await callRoute(usersRoute.action, req("/scim/v2/Users", scim, { body: { schemas: [USER], userName: `nomail-${tag}` } }));
    expect(noMail.status).toBe(400);
    expect((await readJson(noMail)).scimType).toBe("invalidValue");
  });

  it("GET answers the ETag; If-None-Match gives 304; another org's token gets 404", async () => {
    const res = await callRoute(userOne.loader, req(`/scim/v2/Users/${id}`, scim), { id });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe(etag);
    expect((await callRoute(userOne.loader, req(`/scim/v2/Users/${id}`, scim, { headers: { "If-None-Match": etag } }), { id })).status).toBe(304);
    expect((await callRoute(userOne.loader, req(`/scim/v2/Users/${id}`, otherScim), { id })).status).toBe(404);
  });

  it("filters by userName eq and externalId eq, pages with startIndex/count, refuses a bad filter", async () => {
    const byName = await readJson(await callRoute(usersRoute.loader, req(`/scim/v2/Users?filter=${encodeURIComponent(`userName eq "BJENSEN-${tag}@example.com"`)}`, scim)));
    expect(byName).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:ListResponse"], totalResults: 1, startIndex: 1, itemsPerPage: 1 });
    expect(byName.Resources[0].id).toBe(id);
    const byExt = await readJson(await callRoute(usersRoute.loader, req(`/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "701984-${tag}"`)}`, scim)));
    expect(byExt.Resources.map((r: { id: string }) => r.id)).toEqual([id]);
    const none = await readJson(await callRoute(usersRoute.loader, req(`/scim/v2/Users?filter=${encodeURIComponent('userName eq "nobody"')}`, scim)));
    expect(none).toMatchObject({ totalResults: 0, Resources: [] });
    // other filters run too (title co)
    const co = await readJson(await callRoute(usersRoute.loader, req(`/scim/v2/Users?filter=${encodeURIComponent('title co "Tour"')}`, scim)));
    expect(co.Resources.map((r: { id: string }) => r.id)).toEqual([id]);

    const all = await readJson(await callRoute(usersRoute.loader, req("/scim/v2/Users", scim)));
    expect(all.totalResults).toBe(3); // the admin, bjensen, bj
    const paged: string[] = [];
    for (let start = 1; start <= 3; start++) {
      const page = await readJson(await callRoute(usersRoute.loader, req(`/scim/v2/Users?startIndex=${start}&count=1`, scim)));
      expect(page).toMatchObject({ totalResults: 3, startIndex: start, itemsPerPage: 1 });
      paged.push(page.Resources[0].id);
    }
    expect(paged).toEqual(all.Resources.map((r: { id: string }) => r.id));
    const bad = await callRoute(usersRoute.loader, req(`/scim/v2/Users?filter=${encodeURIComponent("userName eq")}`, scim));
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).scimType).toBe("invalidFilter");
    expect((await callRoute(usersRoute.loader, req("/scim/v2/Users?count=abc", scim))).status).toBe(400);
  });

  it("PUT replaces; a stale If-Match is 412 and changes nothing", async () => {
    const put = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PUT", body: { ...bjensen(), title: "Senior Tour Guide" }, headers: { "If-Match": etag } }), { id });
    expect(put.status).toBe(200);
    expect((await readJson(put)).title).toBe("Senior Tour Guide");
    const newTag = put.headers.get("ETag");
    expect(newTag).not.toBe(etag);
    const stale = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PUT", body: { ...bjensen(), title: "Lost update" }, headers: { "If-Match": etag } }), { id });
    expect(stale.status).toBe(412);
    const [row] = await (await db()).select().from(users).where(eq(users.id, id));
    expect(row.title).toBe("Senior Tour Guide");
  });

  it("PATCH as in RFC 7644 §3.5.2.3 (replace emails; nickName is not kept) and by path", async () => {
    const body = { schemas: [PATCH], Operations: [{ op: "replace", value: { emails: [{ value: `barbara-${tag}@example.com`, type: "work", primary: true }], nickName: "Babs" } }] };
    const res = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body }), { id });
    expect(res.status).toBe(200);
    expect((await readJson(res)).emails).toEqual([{ value: `barbara-${tag}@example.com`, type: "work", primary: true }]);
    const byPath = { schemas: [PATCH], Operations: [{ op: "Replace", path: "title", value: "Lead Guide" }, { op: "replace", path: `${ENTERPRISE}:department`, value: "Guides" }] };
    const r2 = await readJson(await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body: byPath }), { id }));
    expect(r2).toMatchObject({ title: "Lead Guide", [ENTERPRISE]: { department: "Guides" } });
    const bad = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body: { schemas: [PATCH], Operations: [{ op: "replace", path: "password", value: "x" }] } }), { id });
    expect(bad.status).toBe(400);
    expect((await readJson(bad)).scimType).toBe("invalidPath");
    const notPatch = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body: { Operations: [] } }), { id });
    expect(notPatch.status).toBe(400);
  });

  it("active=false deactivates: sessions revoked at once, content kept; active=true brings them back", async () => {
    const { getDb } = await import("../../app/db/client.server");
    const viewer = await loadViewer(await getDb(), id);
    const post = await makePost(viewer, { text: "Kept after deactivation" });
    const session = await createSession(id);
    expect(await validateSessionToken(session.token)).not.toBeNull();
    const body = { schemas: [PATCH], Operations: [{ op: "replace", path: "active", value: "False" }] };
    const res = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body }), { id });
    expect(res.status).toBe(200);
    expect((await readJson(res)).active).toBe(false);
    expect(await validateSessionToken(session.token)).toBeNull();
    const [row] = await (await db()).select().from(content).where(eq(content.id, post.id));
    expect(row.deletedAt).toBeNull();
    const audit = await (await db()).select().from(auditLog).where(and(eq(auditLog.orgId, orgId), eq(auditLog.targetId, id), eq(auditLog.action, "user.deactivate")));
    expect(audit.length).toBe(1);
    const back = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "PATCH", body: { schemas: [PATCH], Operations: [{ op: "replace", value: { active: true } }] } }), { id });
    expect((await readJson(back)).active).toBe(true);
  });

  it("DELETE: 204, then 404; the person's content stays and their sessions end", async () => {
    const session = await createSession(id);
    const res = await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "DELETE" }), { id });
    expect(res.status).toBe(204);
    expect(await validateSessionToken(session.token)).toBeNull();
    expect((await callRoute(userOne.loader, req(`/scim/v2/Users/${id}`, scim), { id })).status).toBe(404);
    expect((await callRoute(userOne.action, req(`/scim/v2/Users/${id}`, scim, { method: "DELETE" }), { id })).status).toBe(404);
    const kept = await (await db()).select().from(content).where(eq(content.authorId, id));
    expect(kept.length).toBe(1);
  });
});

describe("SCIM Groups (departments)", () => {
  it("creates a group from members, adds and removes members as in RFC 7644 §3.5.2.1/2, filters and deletes", async () => {
    const a = await makeUser(orgId, { department: "" , name: "Ann Group" });
    const b = await makeUser(orgId, { department: "", name: "Ben Group" });
    const name = `Tour Guides ${tag}`;
    const created = await callRoute(groups.action, req("/scim/v2/Groups", scim, { body: { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: name, members: [{ value: a.id, display: "Ann" }] } }));
    expect(created.status).toBe(201);
    const g = await readJson(created);
    expect(g.members.map((m: { value: string }) => m.value)).toEqual([a.id]);
    expect((await (await db()).select().from(users).where(eq(users.id, a.id)))[0].department).toBe(name);

    const add = { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ display: "Ben", value: b.id }] }] };
    const added = await readJson(await callRoute(groupOne.action, req(`/scim/v2/Groups/${g.id}`, scim, { method: "PATCH", body: add }), { id: g.id }));
    expect(added.members.map((m: { value: string }) => m.value).sort()).toEqual([a.id, b.id].sort());

    const found = await readJson(await callRoute(groups.loader, req(`/scim/v2/Groups?filter=${encodeURIComponent(`displayName eq "${name}"`)}`, scim)));
    expect(found.Resources.map((r: { id: string }) => r.id)).toEqual([g.id]);

    const remove = { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${a.id}"]` }] };
    const removed = await readJson(await callRoute(groupOne.action, req(`/scim/v2/Groups/${g.id}`, scim, { method: "PATCH", body: remove }), { id: g.id }));
    expect(removed.members.map((m: { value: string }) => m.value)).toEqual([b.id]);
    expect((await (await db()).select().from(users).where(eq(users.id, a.id)))[0].department).toBe("");

    expect((await callRoute(groupOne.action, req(`/scim/v2/Groups/${g.id}`, scim, { method: "DELETE" }), { id: g.id })).status).toBe(204);
    expect((await callRoute(groupOne.loader, req(`/scim/v2/Groups/${g.id}`, scim), { id: g.id })).status).toBe(404);
    expect((await (await db()).select().from(users).where(eq(users.id, b.id)))[0].department).toBe("");
  });

  it("refuses bad input (400) and unknown groups (404), storing nothing", async () => {
    const c = await makeUser(orgId, { department: "Keep" });
    for (const body of [{ displayName: "" }, { displayName: "X", members: "nope" }, { displayName: "X", members: [{ value: "unknown-user" }] }, { displayName: "X", members: [] }]) {
      const res = await callRoute(groups.action, req("/scim/v2/Groups", scim, { body }));
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
    }
    const notJson = await callRoute(groups.action, req("/scim/v2/Groups", scim, { body: "{oops" }));
    expect(notJson.status).toBe(400);
    expect((await callRoute(groupOne.loader, req("/scim/v2/Groups/Tm9uZQ", scim), { id: "Tm9uZQ" })).status).toBe(404);
    expect((await (await db()).select().from(users).where(eq(users.id, c.id)))[0].department).toBe("Keep");
    expect(adminId).toBeTruthy();
  });
});
