import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { apiTokens } from "../../app/db/schema";
import * as admin from "../../app/routes/admin.integrations";
import * as docs from "../../app/routes/api.docs";
import * as me from "../../app/routes/api.v1.me";
import { buildWorld, type World } from "../fixtures/world";
import { callRoute, getRequest, ORIGIN, postRequest, readJson, renderRoute, sessionsFor } from "../support/remix";

let w: World;
let tokens: Record<string, string>;
const orgTokens = async () => w.db.select().from(apiTokens).where(eq(apiTokens.orgId, w.org.id));

beforeAll(async () => {
  w = await buildWorld();
  tokens = await sessionsFor(w, ["admin", "alice", "compliance", "outsider"]);
});

describe("the integrations admin page", () => {
  it("does not exist for anyone but an org admin (404 on GET and POST, nothing stored)", async () => {
    for (const who of ["alice", "compliance"]) {
      expect((await callRoute(admin.loader, getRequest("/admin/integrations", { token: tokens[who] }))).status).toBe(404);
      const res = await callRoute(admin.action, postRequest("/admin/integrations", { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: "read" }, { token: tokens[who] }));
      expect(res.status).toBe(404);
    }
    expect(await orgTokens()).toEqual([]);
    // another firm's admin has the page, for their own firm only: an owner from here is refused
    const res = await callRoute(admin.action, postRequest("/admin/integrations", { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: "read" }, { token: tokens.outsider }));
    expect(res.status).toBe(400);
    expect(await orgTokens()).toEqual([]);
  });

  it("creates a token shown once, lists it without its secret, and revokes it", async () => {
    const res = await callRoute(admin.action, postRequest("/admin/integrations", { intent: "create", kind: "personal", name: "Alice's script", ownerId: w.users.alice.id, scopes: ["read", "write"], expiresInDays: "30" }, { token: tokens.admin }));
    expect(res.status).toBe(200);
    const { token } = await readJson(res);
    expect(token).toMatch(/^atr_/);
    const api = new Request(`${ORIGIN}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(await readJson(await callRoute(me.loader, api))).toMatchObject({ id: w.users.alice.id, token: { kind: "personal", scopes: ["read", "write"] } });

    const page = await callRoute(admin.loader, getRequest("/admin/integrations", { token: tokens.admin }));
    const text = await page.text();
    expect(text).toContain("Alice's script");
    expect(text).not.toContain(token.split("_")[2]);

    const [row] = (await orgTokens()).filter((t) => t.name === "Alice's script");
    const revoked = await callRoute(admin.action, postRequest("/admin/integrations", { intent: "revoke", tokenId: row.id }, { token: tokens.admin }));
    expect(revoked.status).toBe(200);
    expect((await callRoute(me.loader, new Request(`${ORIGIN}/api/v1/me`, { headers: { Authorization: `Bearer ${token}` } }))).status).toBe(401);
    // another org's token id does not exist here
    expect((await callRoute(admin.action, postRequest("/admin/integrations", { intent: "revoke", tokenId: "nope" }, { token: tokens.admin }))).status).toBe(404);
  });

  it("refuses bad input with 400 and stores nothing", async () => {
    const before = (await orgTokens()).length;
    const bad: Record<string, string>[] = [
      { intent: "create", kind: "root", name: "x", ownerId: w.users.alice.id, scopes: "read" },
      { intent: "create", kind: "personal", name: "", ownerId: w.users.alice.id, scopes: "read" },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: "superuser" },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.outsider.id, scopes: "read" },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.dave.id, scopes: "read" },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: "read", expiresInDays: "-3" },
      { intent: "create", kind: "personal", name: "x", ownerId: w.users.alice.id, scopes: "read", expiresInDays: "99999" },
    ];
    for (const form of bad) {
      const res = await callRoute(admin.action, postRequest("/admin/integrations", form, { token: tokens.admin }));
      expect([JSON.stringify(form), res.status]).toEqual([JSON.stringify(form), 400]);
    }
    expect((await orgTokens()).length).toBe(before);
    // a SCIM token carries only the scim scope and acts as the admin who made it
    await callRoute(admin.action, postRequest("/admin/integrations", { intent: "create", kind: "scim", name: "Entra ID", ownerId: w.users.alice.id, scopes: "admin" }, { token: tokens.admin }));
    const [scim] = (await orgTokens()).filter((t) => t.kind === "scim");
    expect(scim).toMatchObject({ scopes: ["scim"], ownerId: w.users.admin.id });
  });

  it("the API reference page renders every operation for a signed-in person", async () => {
    const html = await renderRoute(docs, getRequest("/api/docs", { token: tokens.alice }));
    expect(html).toContain("/api/v1/posts/{id}/comments");
    expect(html).toContain("NewQuestion");
    const signedOut = await callRoute(docs.loader, getRequest("/api/docs"));
    expect(signedOut.status).toBe(302);
  });
});
