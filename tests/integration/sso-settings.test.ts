import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditLog, ssoSettings, users } from "../../app/db/schema";
import { signIn } from "../../app/identity/accounts.server";
import { validateSessionToken } from "../../app/identity/session.server";
import { ssoConfig } from "../../app/identity/sso-settings.server";
import * as admin from "../../app/routes/admin.sso";
import * as callback from "../../app/routes/auth.oidc.callback";
import * as start from "../../app/routes/auth.oidc";
import * as login from "../../app/routes/login";
import { makeUser } from "../../scripts/lib/factories";
import { buildWorld, type World } from "../fixtures/world";
import { startOidcProvider, TEST_CLIENT, walkProvider, type TestProvider } from "../support/test-oidc-provider";
import { callRoute, getRequest, ORIGIN, postRequest, readJson, renderRoute, sessionsFor } from "../support/remix";

// Admin → Single sign-on: the settings an org admin keeps (the client secret write-only and stored
// encrypted, environment variables winning), and sign-in through a real OpenID provider configured
// from that page alone: allowed domains, JIT, department/title/manager from the mapped claims.

let w: World;
let tokens: Record<string, string>;
let op: TestProvider;
let tag: string;

const ENV_KEYS = ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ORG_ID", "OIDC_JIT", "OIDC_REQUIRE_SSO", "OIDC_BREAK_GLASS_EMAIL", "OIDC_EMAIL_DOMAINS", "OIDC_DEPARTMENT_CLAIM", "OIDC_TITLE_CLAIM", "OIDC_MANAGER_CLAIM", "OIDC_MANAGER_MATCH", "PUBLIC_URL"];

beforeAll(async () => {
  tag = Math.random().toString(36).slice(2, 8);
  w = await buildWorld();
  tokens = await sessionsFor(w, ["admin", "alice", "compliance", "hr", "outsider"]);
  op = await startOidcProvider({ redirectUris: [`${ORIGIN}/auth/oidc/callback`] });
  // sign-in serves this world's organisation; everything else comes from the page
  Object.assign(process.env, { OIDC_ORG_ID: w.org.id, PUBLIC_URL: ORIGIN });
});

afterEach(() => {
  for (const k of ["OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_JIT", "OIDC_MANAGER_CLAIM"]) delete process.env[k];
});

afterAll(async () => {
  for (const k of ENV_KEYS) delete process.env[k];
  await w.db.delete(ssoSettings).where(eq(ssoSettings.orgId, w.org.id));
  await op.close();
});

const stored = async () => (await w.db.select().from(ssoSettings).where(eq(ssoSettings.orgId, w.org.id)))[0] ?? null;
const save = (fields: Record<string, string>, who = "admin") => callRoute(admin.action, postRequest("/admin/sso", fields, { token: tokens[who] }));

/** A complete, valid form: the provider started for this test, JIT on, the three mappings. */
const valid = (over: Record<string, string> = {}) => ({
  issuer: op.issuer,
  clientId: TEST_CLIENT.id,
  clientSecret: TEST_CLIENT.secret,
  emailDomains: "sso-bank.test, sso-bank.fr",
  jit: "on",
  breakGlassEmail: "",
  mapDepartment: "on",
  departmentClaim: "org_unit",
  mapTitle: "on",
  titleClaim: "job_title",
  mapManager: "on",
  managerClaim: "manager_email",
  managerMatch: "email",
  ...over,
});

/** Our sign-in from the login page's button to the callback, then the callback: the response. */
async function ssoSignIn(sub: string) {
  const begin = await callRoute(start.loader, new Request(`${ORIGIN}/auth/oidc?redirectTo=/`));
  expect(begin.status).toBe(302);
  const flowCookie = begin.headers.get("Set-Cookie")!.split(";")[0];
  const back = await walkProvider(op.issuer, begin.headers.get("Location")!, sub, `${ORIGIN}/auth/oidc/callback`);
  return callRoute(callback.loader, new Request(back.href, { headers: { Cookie: flowCookie } }));
}
const sessionUser = async (res: Response) => {
  const c = res.headers.getSetCookie().find((x) => x.startsWith("atrium_session="));
  return c ? validateSessionToken(decodeURIComponent(c.split(";")[0].split("=")[1])) : null;
};

describe("the single sign-on admin page", () => {
  it("does not exist for anyone but an org admin (404 on GET and POST, nothing stored)", async () => {
    for (const who of ["alice", "compliance", "hr"]) {
      expect((await callRoute(admin.loader, getRequest("/admin/sso", { token: tokens[who] }))).status, who).toBe(404);
      expect((await save(valid(), who)).status, who).toBe(404);
    }
    expect(await stored()).toBeNull();
    // the SSO button is not offered before anything is configured
    expect((await readJson(await callRoute(login.loader, getRequest("/login")))).sso).toBe(false);
  });

  it("refuses bad input with a 400 naming the field, storing nothing", async () => {
    const cases: [Record<string, string>, string][] = [
      [valid({ issuer: "http://idp.example.com" }), "issuer"],
      [valid({ issuer: "https://idp.example.com/?tenant=x" }), "issuer"],
      [valid({ issuer: "not a url" }), "issuer"],
      [valid({ departmentClaim: "" }), "departmentClaim"],
      [valid({ managerClaim: "   " }), "managerClaim"],
      [valid({ titleClaim: "job title" }), "titleClaim"],
      [valid({ emailDomains: "bank, @x" }), "emailDomains"],
      [valid({ breakGlassEmail: "nobody" }), "breakGlassEmail"],
      [valid({ managerMatch: "phone" }), "managerMatch"],
      // requiring SSO needs a break-glass admin of this org: a member, an outsider's admin, nobody
      [valid({ requireSso: "on" }), "breakGlassEmail"],
      [valid({ requireSso: "on", breakGlassEmail: w.users.alice.email }), "breakGlassEmail"],
      [valid({ requireSso: "on", breakGlassEmail: w.users.outsider.email }), "breakGlassEmail"],
      // and a provider
      [valid({ requireSso: "on", breakGlassEmail: w.users.admin.email, issuer: "" }), "requireSso"],
    ];
    for (const [form, field] of cases) {
      const res = await save(form);
      expect([res.status, JSON.stringify(form)]).toEqual([400, JSON.stringify(form)]);
      const body = await readJson(res);
      expect(Object.keys(body.errors), JSON.stringify(form)).toContain(field);
      expect(JSON.stringify(body)).not.toContain(TEST_CLIENT.secret);
    }
    expect(await stored()).toBeNull();
    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.orgId, w.org.id), eq(auditLog.action, "sso.settings.change")));
    expect(audit).toEqual([]);
  });

  it("saves through an audited command; the secret is stored encrypted and never shown back", async () => {
    const res = await save(valid());
    expect(res.status).toBe(200);
    const row = (await stored())!;
    expect(row).toMatchObject({ issuer: op.issuer, clientId: "atrium", emailDomains: ["sso-bank.test", "sso-bank.fr"], jit: true, requireSso: false, departmentClaim: "org_unit", titleClaim: "job_title", managerClaim: "manager_email", managerMatch: "email", updatedBy: w.users.admin.id });
    expect(row.clientSecretEnc).toMatch(/^v1\./);
    expect(row.clientSecretEnc).not.toContain(TEST_CLIENT.secret);
    expect((await ssoConfig()).config.clientSecret).toBe(TEST_CLIENT.secret);
    const page = await callRoute(admin.loader, getRequest("/admin/sso", { token: tokens.admin }));
    const text = await page.text();
    expect(text).not.toContain(TEST_CLIENT.secret);
    expect(text).not.toContain(row.clientSecretEnc!);
    expect(JSON.parse(text)).toMatchObject({ enabled: true, servesThisOrg: true, secret: { stored: true, source: "page" }, fields: { issuer: { value: op.issuer, source: "page" } } });
    const html = await renderRoute(admin, getRequest("/admin/sso", { token: tokens.admin }));
    expect(html).not.toContain(TEST_CLIENT.secret);
    const [entry] = await w.db.select().from(auditLog).where(and(eq(auditLog.orgId, w.org.id), eq(auditLog.action, "sso.settings.change")));
    expect(entry).toMatchObject({ actorId: w.users.admin.id, data: { secretChanged: true } });
    expect(JSON.stringify(entry.data)).not.toContain(TEST_CLIENT.secret);
    expect(JSON.stringify(entry.data)).not.toContain(row.clientSecretEnc!);

    // an empty secret keeps the stored one; the login page now offers SSO
    expect((await save(valid({ clientSecret: "" }))).status).toBe(200);
    expect((await stored())!.clientSecretEnc).toBe(row.clientSecretEnc);
    expect((await readJson(await callRoute(login.loader, getRequest("/login")))).sso).toBe(true);
  });

  it("shows environment variables as winning, keeps the page's value under them, and uses theirs", async () => {
    process.env.OIDC_CLIENT_ID = "from-env";
    process.env.OIDC_MANAGER_CLAIM = "manager_id";
    const page = await readJson(await callRoute(admin.loader, getRequest("/admin/sso", { token: tokens.admin })));
    expect(page.fields.clientId).toEqual({ value: "from-env", source: "env", envName: "OIDC_CLIENT_ID" });
    expect(page.fields.managerClaim).toMatchObject({ value: "manager_id", source: "env" });
    expect(await renderRoute(admin, getRequest("/admin/sso", { token: tokens.admin }))).toContain("OIDC_CLIENT_ID");
    // the form has no client id field then; saving keeps the stored one
    const form = valid({ mapManager: "", managerClaim: "" }) as Record<string, string>;
    delete form.clientId;
    expect((await save(form)).status).toBe(200);
    expect((await stored())!).toMatchObject({ clientId: "atrium", managerClaim: "manager_email" });
    expect((await ssoConfig()).config).toMatchObject({ clientId: "from-env", managerClaim: "manager_id" });
  });
});

describe("sign-in with the page's settings (a real OpenID provider)", () => {
  it("links by verified email, copies department and title, links the manager by email; follows changes at the next sign-in", async () => {
    expect((await save(valid())).status).toBe(200);
    const boss = await makeUser(w.org.id, { email: `boss-${tag}@sso-bank.test`, name: "Boss" });
    const boss2 = await makeUser(w.org.id, { email: `boss2-${tag}@sso-bank.test`, name: "Boss Two" });
    const ann = await makeUser(w.org.id, { email: `ann-${tag}@sso-bank.test`, name: "Ann", department: "Old", title: "Old title" });
    op.accounts.set(`ann-${tag}`, { email: `ann-${tag}@sso-bank.test`, email_verified: true, name: "Ann", org_unit: "Research", job_title: "Analyst", manager_email: `BOSS-${tag}@sso-bank.test` });
    const res = await ssoSignIn(`ann-${tag}`);
    expect(res.headers.get("Location")).toBe("/");
    expect(await sessionUser(res)).toMatchObject({ id: ann.id });
    let [row] = await w.db.select().from(users).where(eq(users.id, ann.id));
    expect(row).toMatchObject({ department: "Research", title: "Analyst", managerId: boss.id });
    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.orgId, w.org.id), eq(auditLog.targetId, ann.id), eq(auditLog.action, "sso.profile.sync")));
    expect(audit.length).toBe(1);

    // the directory changes: the next sign-in follows it; an unknown manager leaves the line as it is
    op.accounts.set(`ann-${tag}`, { email: `ann-${tag}@sso-bank.test`, email_verified: true, org_unit: "Markets", job_title: "Lead", manager_email: `boss2-${tag}@sso-bank.test` });
    await ssoSignIn(`ann-${tag}`);
    [row] = await w.db.select().from(users).where(eq(users.id, ann.id));
    expect(row).toMatchObject({ department: "Markets", title: "Lead", managerId: boss2.id });
    op.accounts.set(`ann-${tag}`, { email: `ann-${tag}@sso-bank.test`, email_verified: true, org_unit: "Markets", job_title: "Lead", manager_email: `ghost-${tag}@sso-bank.test` });
    expect((await ssoSignIn(`ann-${tag}`)).status).toBe(302);
    [row] = await w.db.select().from(users).where(eq(users.id, ann.id));
    expect(row.managerId).toBe(boss2.id);
  });

  it("links the manager by external id when the mapping says so, on just-in-time creation too", async () => {
    expect((await save(valid({ managerClaim: "manager_id", managerMatch: "external_id" }))).status).toBe(200);
    const boss = await makeUser(w.org.id, { email: `extboss-${tag}@sso-bank.test` });
    await w.db.update(users).set({ externalId: `E-${tag}` }).where(eq(users.id, boss.id));
    op.accounts.set(`newbie-${tag}`, { email: `newbie-${tag}@sso-bank.test`, email_verified: true, name: "New Bie", org_unit: "Sales", job_title: "Banker", manager_id: `E-${tag}` });
    const res = await ssoSignIn(`newbie-${tag}`);
    const u = await sessionUser(res);
    expect(u).toMatchObject({ email: `newbie-${tag}@sso-bank.test`, name: "New Bie", department: "Sales", orgId: w.org.id });
    const [row] = await w.db.select().from(users).where(eq(users.id, u!.id));
    expect(row).toMatchObject({ title: "Banker", managerId: boss.id, passwordHash: null });
    const created = await w.db.select().from(auditLog).where(and(eq(auditLog.orgId, w.org.id), eq(auditLog.targetId, u!.id), eq(auditLog.action, "sso.user.create")));
    expect(created.length).toBe(1);
  });

  it("refuses emails outside the allowed domains, and unknown people when JIT is off", async () => {
    expect((await save(valid())).status).toBe(200);
    op.accounts.set(`out-${tag}`, { email: `out-${tag}@elsewhere.test`, email_verified: true, name: "Out" });
    await makeUser(w.org.id, { email: `out-${tag}@elsewhere.test` });
    const res = await ssoSignIn(`out-${tag}`);
    expect(res.headers.get("Location")).toBe("/login?sso=no_account");
    expect(await sessionUser(res)).toBeNull();

    expect((await save(valid({ jit: "" }))).status).toBe(200);
    op.accounts.set(`late-${tag}`, { email: `late-${tag}@sso-bank.fr`, email_verified: true, name: "Late" });
    expect((await ssoSignIn(`late-${tag}`)).headers.get("Location")).toBe("/login?sso=no_account");
    expect(await w.db.select().from(users).where(eq(users.email, `late-${tag}@sso-bank.fr`))).toEqual([]);
  });

  it("requiring SSO on the page refuses passwords, except the break-glass admin's", async () => {
    const pw = "a long enough password";
    const member = await makeUser(w.org.id, { email: `pw-${tag}@sso-bank.test`, password: pw });
    const root = await makeUser(w.org.id, { email: `root-${tag}@sso-bank.test`, password: pw, roles: ["admin", "member"] });
    expect((await signIn(member.email, pw, "10.9.9.9")).ok).toBe(true);
    expect((await save(valid({ requireSso: "on", breakGlassEmail: root.email }))).status).toBe(200);
    expect(await signIn(member.email, pw, "10.9.9.9")).toEqual({ ok: false, reason: "sso_required" });
    expect((await signIn(root.email, pw, "10.9.9.9")).ok).toBe(true);
    // back to passwords for whoever runs next in this worker
    expect((await save(valid())).status).toBe(200);
    expect((await signIn(member.email, pw, "10.9.9.9")).ok).toBe(true);
  });
});
