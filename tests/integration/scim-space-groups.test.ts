import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { auditLog, outboxEvents, spaceMembers, spaces } from "../../app/db/schema";
import { saveSsoSettings, SsoSettingsInput } from "../../app/identity/sso-settings.server";
import { createApiToken } from "../../app/integrations/tokens.server";
import { loadViewer } from "../../app/policy/viewer.server";
import * as groupOne from "../../app/routes/scim.v2.Groups.$id";
import * as groups from "../../app/routes/scim.v2.Groups";
import { makeOrg, makeSpace, makeUser } from "../../scripts/lib/factories";
import { callRoute, ORIGIN, readJson } from "../support/remix";

// SCIM Groups provisioning space memberships (the admin's choice on Admin → Single sign-on), with the
// RFC 7644 §3.5.2 PATCH examples (add members, remove a member by filter, replace members), the
// displayName eq filter, DELETE, and a token without the scim scope.

const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";

let orgId: string;
let adminId: string;
let scim: string;
let apiAdmin: string;
let spaceId: string;
let tag: string;
let a: { id: string };
let b: { id: string };

const req = (path: string, token: string, init: { method?: string; body?: unknown } = {}) => {
  const headers = new Headers({ Authorization: `Bearer ${token}` });
  if (init.body !== undefined) headers.set("Content-Type", "application/scim+json");
  return new Request(ORIGIN + path, { method: init.method ?? (init.body ? "POST" : "GET"), headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
};

async function db() {
  const { getDb } = await import("../../app/db/client.server");
  return getDb();
}
const membersOf = async (id: string) =>
  (await (await db()).select({ userId: spaceMembers.userId, role: spaceMembers.role }).from(spaceMembers).where(eq(spaceMembers.spaceId, id))).sort((x, y) => x.userId.localeCompare(y.userId));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const values = (g: Record<string, any>) => (g.members as { value: string }[]).map((m) => m.value).sort();

beforeAll(async () => {
  tag = Math.random().toString(36).slice(2, 8);
  const org = await makeOrg("SCIM Spaces Bank");
  orgId = org.id;
  const admin = await makeUser(orgId, { roles: ["admin", "member"] });
  adminId = admin.id;
  a = await makeUser(orgId, { name: "Ann Space" });
  b = await makeUser(orgId, { name: "Ben Space" });
  const d = await db();
  const v = await loadViewer(d, admin.id);
  scim = (await createApiToken(v, { kind: "scim", name: "IdP", ownerId: admin.id, scopes: ["scim"], expiresInDays: null })).token;
  apiAdmin = (await createApiToken(v, { kind: "service", name: "API", ownerId: admin.id, scopes: ["read", "write", "admin"], expiresInDays: null })).token;
  spaceId = (await makeSpace(v, { name: `Markets Desk ${tag}`, visibility: "private", joinPolicy: "invite" })).id;
  expect(await saveSsoSettings(v, SsoSettingsInput.parse({ scimGroups: "space" }))).toEqual({ ok: true });
});

describe("SCIM Groups as space memberships", () => {
  it("a token without the scim scope gets 403", async () => {
    const res = await callRoute(groups.loader, req("/scim/v2/Groups", apiAdmin));
    expect(res.status).toBe(403);
    expect(await readJson(res)).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "403" });
    expect((await callRoute(groups.action, req("/scim/v2/Groups", apiAdmin, { body: { schemas: [GROUP], displayName: `Markets Desk ${tag}` } }))).status).toBe(403);
    expect(await membersOf(spaceId)).toEqual([{ userId: adminId, role: "admin" }]);
  });

  it("creates the group as the space of that name, with its members; the space admin is not a group member", async () => {
    const res = await callRoute(groups.action, req("/scim/v2/Groups", scim, { body: { schemas: [GROUP], displayName: `markets desk ${tag}`, members: [{ value: a.id, display: "Ann" }] } }));
    expect(res.status).toBe(201);
    const g = await readJson(res);
    expect(g).toMatchObject({ id: spaceId, displayName: `Markets Desk ${tag}` });
    expect(values(g)).toEqual([a.id]);
    expect(await membersOf(spaceId)).toContainEqual({ userId: a.id, role: "member" });
    // no such space: refused, nothing stored
    const none = await callRoute(groups.action, req("/scim/v2/Groups", scim, { body: { schemas: [GROUP], displayName: `Nowhere ${tag}`, members: [{ value: b.id }] } }));
    expect(none.status).toBe(400);
    expect((await readJson(none)).scimType).toBe("invalidValue");
  });

  it("PATCH adds, removes by filter and replaces members (RFC 7644 §3.5.2), each change an event and an audit entry", async () => {
    const add = { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ display: "Ben", value: b.id }] }] };
    const added = await readJson(await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "PATCH", body: add }), { id: spaceId }));
    expect(values(added)).toEqual([a.id, b.id].sort());

    const found = await readJson(await callRoute(groups.loader, req(`/scim/v2/Groups?filter=${encodeURIComponent(`displayName eq "Markets Desk ${tag}"`)}`, scim)));
    expect(found.Resources.map((r: { id: string }) => r.id)).toEqual([spaceId]);

    const remove = { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${a.id}"]` }] };
    const removed = await readJson(await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "PATCH", body: remove }), { id: spaceId }));
    expect(values(removed)).toEqual([b.id]);

    const replace = { schemas: [PATCH], Operations: [{ op: "replace", path: "members", value: [{ value: a.id }] }] };
    const replaced = await readJson(await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "PATCH", body: replace }), { id: spaceId }));
    expect(values(replaced)).toEqual([a.id]);
    expect(await membersOf(spaceId)).toEqual([{ userId: adminId, role: "admin" }, { userId: a.id, role: "member" }].sort((x, y) => x.userId.localeCompare(y.userId)));

    const d = await db();
    const events = await d.select().from(outboxEvents).where(and(eq(outboxEvents.orgId, orgId), eq(outboxEvents.topic, "space.membership"), eq(outboxEvents.subjectId, spaceId))).orderBy(outboxEvents.id);
    // a added (create), b added, a removed, b removed, a added
    expect(events.map((e) => (e.payload as { change: string }).change)).toEqual(["add", "add", "remove", "remove", "add"]);
    const audit = await d.select().from(auditLog).where(and(eq(auditLog.orgId, orgId), eq(auditLog.targetId, spaceId), eq(auditLog.actorId, adminId)));
    expect(audit.filter((x) => x.action.startsWith("space.member.")).length).toBe(5);
  });

  it("refuses a rename, an unknown member and an unknown group, changing nothing", async () => {
    const rename = { schemas: [PATCH], Operations: [{ op: "replace", path: "displayName", value: "Renamed" }] };
    const r1 = await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "PATCH", body: rename }), { id: spaceId });
    expect(r1.status).toBe(400);
    expect((await readJson(r1)).scimType).toBe("mutability");
    const badMember = { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: b.id }, { value: "nobody" }] }] };
    expect((await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "PATCH", body: badMember }), { id: spaceId })).status).toBe(400);
    expect((await callRoute(groupOne.loader, req("/scim/v2/Groups/unknown-space", scim), { id: "unknown-space" })).status).toBe(404);
    const [space] = await (await db()).select().from(spaces).where(eq(spaces.id, spaceId));
    expect(space.name).toBe(`Markets Desk ${tag}`);
    expect((await membersOf(spaceId)).map((m) => m.userId)).not.toContain(b.id);
  });

  it("DELETE: the group's members leave the space; the space and its admin stay", async () => {
    expect((await callRoute(groupOne.action, req(`/scim/v2/Groups/${spaceId}`, scim, { method: "DELETE" }), { id: spaceId })).status).toBe(204);
    expect(await membersOf(spaceId)).toEqual([{ userId: adminId, role: "admin" }]);
    const g = await readJson(await callRoute(groupOne.loader, req(`/scim/v2/Groups/${spaceId}`, scim), { id: spaceId }));
    expect(g.members).toEqual([]);
  });
});
