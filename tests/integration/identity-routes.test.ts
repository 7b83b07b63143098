import { describe, expect, it } from "vitest";
import { openDatabase, type DbHandle } from "../../app/db/client.server";
import { issueSetupToken } from "../../app/identity/accounts.server";
import type { OrgRole } from "../../app/policy/roles";
import { createSession, validateSessionToken } from "../../app/identity/session.server";
import * as adminUsers from "../../app/routes/admin.users";
import * as analytics from "../../app/routes/analytics._index";
import * as compliance from "../../app/routes/compliance._index";
import * as invite from "../../app/routes/invite.$token";
import * as login from "../../app/routes/login";
import * as logout from "../../app/routes/logout";
import * as sessionsPage from "../../app/routes/settings.sessions";
import * as setup from "../../app/routes/setup";
import { makeOrg, makeUser, TEST_PASSWORD } from "../../scripts/lib/factories";
import { BROWSER_UA, callRoute, getRequest, ORIGIN, postRequest, readJson, type RouteFunction } from "../support/remix";

// Route modules called the way Remix calls them: a real Request, params and the load context.

const cookieToken = (res: Response) => {
  const m = /atrium_session=([^;]*)/.exec(res.headers.get("Set-Cookie") ?? "");
  return m ? decodeURIComponent(m[1]) : null;
};

async function signedIn(roles?: OrgRole[], orgId?: string) {
  const org = orgId ?? (await makeOrg()).id;
  const user = await makeUser(org, roles ? { roles } : {});
  const session = await createSession(user.id, { ip: "10.9.0.250", userAgent: BROWSER_UA });
  return { orgId: org, user, session, token: session.token };
}

describe("login", () => {
  it("signs in, sets an HttpOnly SameSite=Lax cookie and redirects to a safe redirectTo", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const res = await callRoute(login.action, postRequest("/login", { email: user.email.toUpperCase(), password: TEST_PASSWORD, redirectTo: "/questions" }), {}, { clientIp: "10.9.0.1" });
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/questions");
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^atrium_session=/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    const current = await validateSessionToken(cookieToken(res)!);
    expect(current?.id).toBe(user.id);

    const evil = await callRoute(login.action, postRequest("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "//evil.example/x" }), {}, { clientIp: "10.9.0.1" });
    expect(evil.headers.get("Location")).toBe("/");
  });

  it("shows the form to visitors with a validated redirectTo, and sends signed-in users home", async () => {
    const page = await callRoute(login.loader, getRequest("/login?redirectTo=https%3A%2F%2Fevil.example"));
    expect(await readJson(page)).toMatchObject({ redirectTo: "/", sso: false });
    const kept = await callRoute(login.loader, getRequest("/login?redirectTo=%2Fspaces%3Fa%3D1"));
    expect(await readJson(kept)).toMatchObject({ redirectTo: "/spaces?a=1" });

    const { token } = await signedIn();
    const res = await callRoute(login.loader, getRequest("/login", { token }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/");
  });

  it("answers a wrong password or unknown email with one generic message, in the user's language", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    const wrong = await callRoute(login.action, postRequest("/login", { email: user.email, password: "not the password" }), {}, { clientIp: "10.9.0.2" });
    expect(wrong.status).toBe(400);
    const en = await readJson(wrong);
    expect(en.formError).toBe("Email or password is incorrect.");
    expect(en.errors).toEqual({});
    expect(wrong.headers.get("Set-Cookie")).toBeNull();

    const unknown = await callRoute(login.action, postRequest("/login", { email: "nobody-here@example.test", password: "whatever" }), {}, { clientIp: "10.9.0.2" });
    expect(unknown.status).toBe(400);
    expect((await readJson(unknown)).formError).toBe(en.formError);

    const fr = await callRoute(login.action, postRequest("/login", { email: user.email, password: "pas le bon" }, { lang: "fr-FR,fr;q=0.9,en;q=0.5" }), {}, { clientIp: "10.9.0.2" });
    expect(fr.status).toBe(400);
    expect((await readJson(fr)).formError).toBe("L’adresse e-mail ou le mot de passe est incorrect.");
  });

  it("rejects a malformed form with per-field messages in the user's language", async () => {
    const missing = await callRoute(login.action, postRequest("/login", { password: "x" }), {}, { clientIp: "10.9.0.3" });
    expect(missing.status).toBe(400);
    expect((await readJson(missing)).errors).toEqual({ email: "Required" });

    const fr = await callRoute(login.action, postRequest("/login", { email: "not-an-email", password: "" }, { lang: "fr" }), {}, { clientIp: "10.9.0.3" });
    expect(fr.status).toBe(400);
    const data = await readJson(fr);
    expect(data.errors).toEqual({ email: "Adresse e-mail non valide", password: "Obligatoire" });
    // The typed email comes back to refill the form; the password never does.
    expect(data.values).toEqual({ email: "not-an-email" });
  });

  it("throttles repeated failures for an account with 429, even for the right password", async () => {
    const org = await makeOrg();
    const user = await makeUser(org.id);
    for (let i = 0; i < 5; i++) {
      const res = await callRoute(login.action, postRequest("/login", { email: user.email, password: `wrong ${i}` }), {}, { clientIp: "10.9.0.4" });
      expect(res.status).toBe(400);
    }
    const limited = await callRoute(login.action, postRequest("/login", { email: user.email, password: TEST_PASSWORD }), {}, { clientIp: "10.9.0.5" });
    expect(limited.status).toBe(429);
    expect((await readJson(limited)).formError).toBe("Too many attempts. Try again in a few minutes.");
    expect(limited.headers.get("Set-Cookie")).toBeNull();

    const fr = await callRoute(login.action, postRequest("/login", { email: user.email, password: TEST_PASSWORD }, { lang: "fr" }), {}, { clientIp: "10.9.0.5" });
    expect(fr.status).toBe(429);
    expect((await readJson(fr)).formError).toBe("Trop de tentatives. Réessayez dans quelques minutes.");
  });
});

describe("logout", () => {
  it("revokes the current session, clears the cookie and goes to /login; GET goes home", async () => {
    const { token } = await signedIn();
    const res = await callRoute(logout.action, postRequest("/logout", {}, { token }));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login");
    expect(res.headers.get("Set-Cookie")).toMatch(/^atrium_session=; .*Max-Age=0/);
    expect(await validateSessionToken(token)).toBeNull();

    const viaGet = await callRoute(logout.loader, getRequest("/logout", { token }));
    expect(viaGet.headers.get("Location")).toBe("/");
  });
});

/**
 * Runs `fn` against a fresh, empty database. First-run setup only works while nobody
 * exists, and this worker's shared database already has users from other files.
 * Test files in a worker run one after another, so swapping the process-wide handle is safe.
 */
async function withEmptyDatabase(fn: () => Promise<void>) {
  const holder = (globalThis as { __atriumDb?: { handle?: Promise<DbHandle> } }).__atriumDb!;
  const saved = holder.handle;
  const empty = await openDatabase({ kind: "pglite", dir: null });
  holder.handle = Promise.resolve(empty);
  try {
    await fn();
  } finally {
    holder.handle = saved;
    await empty.close();
  }
}

describe("setup", () => {
  it("the one-time link creates the first admin, signs them in, and cannot be used again", { timeout: 150_000 }, async () => {
    await withEmptyDatabase(async () => {
      const token = await issueSetupToken();
      expect(token).toMatch(/^[a-z2-7]{24}$/);
      const page = await callRoute(setup.loader, getRequest(`/setup?token=${token}`));
      expect(page.status).toBe(200);
      expect(await readJson(page)).toEqual({ valid: true, minPassword: 12 });

      const fields = { token: token!, orgName: "First Bank", name: "Ada Admin", email: "ada@first.test", password: "a long first password" };
      const done = await callRoute(setup.action, postRequest(`/setup?token=${token}`, fields), {}, { clientIp: "10.9.0.8" });
      expect(done.status).toBe(302);
      expect(done.headers.get("Location")).toBe("/");
      const me = await validateSessionToken(cookieToken(done)!);
      expect(me).toMatchObject({ email: "ada@first.test", name: "Ada Admin", orgName: "First Bank" });
      expect([...me!.roles].sort()).toEqual(["admin", "member"]);

      const again = await callRoute(setup.action, postRequest(`/setup?token=${token}`, { ...fields, email: "eve@first.test" }));
      expect(again.status).toBe(404);
      expect(again.headers.get("Set-Cookie")).toBeNull();
      expect((await callRoute(setup.loader, getRequest(`/setup?token=${token}`))).status).toBe(404);
      expect(await issueSetupToken()).toBeNull();
    });
  });

  it("issues no setup token once anyone exists, and an unknown link is a friendly 404", async () => {
    const org = await makeOrg();
    await makeUser(org.id);
    expect(await issueSetupToken()).toBeNull();

    const page = await callRoute(setup.loader, getRequest("/setup?token=made-up"));
    expect(page.status).toBe(404);
    expect(await readJson(page)).toEqual({ valid: false });
    const none = await callRoute(setup.loader, getRequest("/setup"));
    expect(none.status).toBe(404);

    const fields = { token: "made-up", orgName: "Bank", name: "Ada", email: "ada-setup@example.test", password: "long enough password" };
    const res = await callRoute(setup.action, postRequest("/setup?token=made-up", fields));
    expect(res.status).toBe(404);
    expect((await readJson(res)).formError).toBe("This setup link is invalid or has already been used.");
    expect(res.headers.get("Set-Cookie")).toBeNull();
  });

  it("validates the setup form field by field", async () => {
    const res = await callRoute(setup.action, postRequest("/setup", { token: "t", orgName: "", name: "Ada", email: "x", password: "short" }, { lang: "fr" }));
    expect(res.status).toBe(400);
    expect((await readJson(res)).errors).toEqual({
      orgName: "Obligatoire",
      email: "Adresse e-mail non valide",
      password: "Doit comporter au moins 12\u00a0caractères",
    });
  });
});

describe("invitations", () => {
  it("an admin's invite link creates a member who can then sign in; the link works once", async () => {
    const admin = await signedIn(["admin", "member"]);
    const email = `invitee-${Date.now()}@example.test`;
    const created = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "invite", email, role: "curator" }, { token: admin.token }));
    expect(created.status).toBe(200);
    const data = await readJson(created);
    expect(data.email).toBe(email);
    expect(data.days).toBe(14);
    expect(data.inviteLink).toMatch(new RegExp(`^${ORIGIN}/invite/[a-z2-7]{24}$`));
    const inviteToken = data.inviteLink.split("/").pop() as string;

    const page = await callRoute(invite.loader, getRequest(`/invite/${inviteToken}`), { token: inviteToken });
    expect(page.status).toBe(200);
    expect(await readJson(page)).toMatchObject({ valid: true, email });

    const weak = await callRoute(invite.action, postRequest(`/invite/${inviteToken}`, { name: "", password: "short" }), { token: inviteToken });
    expect(weak.status).toBe(400);
    expect((await readJson(weak)).errors).toEqual({ name: "Required", password: "Must be at least 12 characters" });

    const accepted = await callRoute(invite.action, postRequest(`/invite/${inviteToken}`, { name: "Ines Invitee", password: "a brand new passphrase" }), { token: inviteToken }, { clientIp: "10.9.0.6" });
    expect(accepted.status).toBe(302);
    expect(accepted.headers.get("Location")).toBe("/");
    const me = await validateSessionToken(cookieToken(accepted)!);
    expect(me).toMatchObject({ email, name: "Ines Invitee", orgId: admin.orgId });
    expect([...me!.roles].sort()).toEqual(["curator", "member"]);

    const again = await callRoute(login.action, postRequest("/login", { email, password: "a brand new passphrase" }), {}, { clientIp: "10.9.0.6" });
    expect(again.status).toBe(302);

    const reused = await callRoute(invite.action, postRequest(`/invite/${inviteToken}`, { name: "Mallory", password: "another passphrase" }), { token: inviteToken });
    expect(reused.status).toBe(404);
    expect((await readJson(reused)).formError).toBe("This invitation link is invalid or has expired. Ask your administrator for a new one.");
    const gone = await callRoute(invite.loader, getRequest(`/invite/${inviteToken}`), { token: inviteToken });
    expect(gone.status).toBe(404);
  });

  it("refuses to invite an email that already has an account, as a field error", async () => {
    const admin = await signedIn(["admin", "member"]);
    const res = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "invite", email: admin.user.email, role: "member" }, { token: admin.token, lang: "fr" }));
    expect(res.status).toBe(400);
    expect((await readJson(res)).errors).toEqual({ email: "Une personne avec cette adresse e-mail est déjà membre." });

    const badRole = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "invite", email: "fresh@example.test", role: "owner" }, { token: admin.token }));
    expect(badRole.status).toBe(400);
    expect(Object.keys((await readJson(badRole)).errors)).toEqual(["role"]);
  });
});

describe("admin.users", () => {
  it("lists the org's people with what the admin may do to each", async () => {
    const admin = await signedIn(["admin", "member"]);
    const other = await makeUser(admin.orgId);
    await makeUser((await makeOrg()).id); // another firm's user never shows
    const res = await callRoute(adminUsers.loader, getRequest("/admin/users", { token: admin.token }));
    const data = await readJson(res);
    expect(data.users.map((u: { id: string }) => u.id).sort()).toEqual([admin.user.id, other.id].sort());
    const byId = Object.fromEntries(data.users.map((u: { id: string }) => [u.id, u]));
    expect(byId[admin.user.id]).toMatchObject({ isViewer: true, canDeactivate: false });
    expect(byId[other.id]).toMatchObject({ isViewer: false, canDeactivate: true });
  });

  it("deactivation revokes every session of the target", async () => {
    const admin = await signedIn(["admin", "member"]);
    const target = await makeUser(admin.orgId);
    const s1 = await createSession(target.id);
    const s2 = await createSession(target.id);
    const res = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "deactivate", userId: target.id }, { token: admin.token }));
    expect(res.status).toBe(200);
    expect(await validateSessionToken(s1.token)).toBeNull();
    expect(await validateSessionToken(s2.token)).toBeNull();
    const signIn = await callRoute(login.action, postRequest("/login", { email: target.email, password: TEST_PASSWORD }), {}, { clientIp: "10.9.0.7" });
    expect(signIn.status).toBe(400);
    // The admin is untouched.
    expect(await validateSessionToken(admin.token)).not.toBeNull();
  });

  it("cannot deactivate oneself or someone in another org: 404", async () => {
    const admin = await signedIn(["admin", "member"]);
    const self = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "deactivate", userId: admin.user.id }, { token: admin.token }));
    expect(self.status).toBe(404);
    const stranger = await signedIn();
    const res = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "deactivate", userId: stranger.user.id }, { token: admin.token }));
    expect(res.status).toBe(404);
    expect(await validateSessionToken(stranger.token)).not.toBeNull();
  });

  it("is a 404 for a non-admin, for reading and for every intent", async () => {
    const member = await signedIn(["member", "compliance", "hr"]);
    const target = await makeUser(member.orgId);
    expect((await callRoute(adminUsers.loader, getRequest("/admin/users", { token: member.token }))).status).toBe(404);
    const deactivate = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "deactivate", userId: target.id }, { token: member.token }));
    expect(deactivate.status).toBe(404);
    const inv = await callRoute(adminUsers.action, postRequest("/admin/users", { intent: "invite", email: "x@example.test", role: "admin" }, { token: member.token }));
    expect(inv.status).toBe(404);
    const target2 = await createSession(target.id);
    expect(await validateSessionToken(target2.token)).not.toBeNull();
  });

  it("sends visitors to sign in", async () => {
    const res = await callRoute(adminUsers.loader, getRequest("/admin/users"));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Fadmin%2Fusers");
  });
});

describe("settings.sessions", () => {
  it("lists active sessions and marks this device", async () => {
    const me = await signedIn();
    const other = await createSession(me.user.id, { ip: "203.0.113.9", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" });
    const res = await callRoute(sessionsPage.loader, getRequest("/settings/sessions", { token: me.token }));
    const { sessions } = await readJson(res);
    expect(sessions).toHaveLength(2);
    const byId = Object.fromEntries(sessions.map((s: { id: string }) => [s.id, s]));
    expect(byId[me.session.id]).toMatchObject({ current: true, ip: "10.9.0.250", device: { browser: "Chrome", os: "Linux" } });
    expect(byId[other.id]).toMatchObject({ current: false, ip: "203.0.113.9", device: { browser: "Safari", os: "iOS" } });
  });

  it("revokes another of my sessions, and does nothing to someone else's", async () => {
    const me = await signedIn();
    const mine = await createSession(me.user.id);
    const someoneElse = await signedIn(undefined, me.orgId);

    const res = await callRoute(sessionsPage.action, postRequest("/settings/sessions", { intent: "revoke", sessionId: mine.id }, { token: me.token }));
    expect(res.status).toBe(200);
    expect((await readJson(res)).notice).toBe("sessions.revoked");
    expect(await validateSessionToken(mine.token)).toBeNull();
    expect(await validateSessionToken(me.token)).not.toBeNull();

    const theirs = await callRoute(sessionsPage.action, postRequest("/settings/sessions", { intent: "revoke", sessionId: someoneElse.session.id }, { token: me.token }));
    expect(theirs.status).toBe(200);
    expect((await readJson(theirs)).notice).toBeNull();
    expect(await validateSessionToken(someoneElse.token)).not.toBeNull();
  });

  it("revokes all the others, and revoking this one signs out", async () => {
    const me = await signedIn();
    const a = await createSession(me.user.id);
    const b = await createSession(me.user.id);
    const res = await callRoute(sessionsPage.action, postRequest("/settings/sessions", { intent: "revokeOthers" }, { token: me.token }));
    expect((await readJson(res)).notice).toBe("sessions.revokedOthers");
    expect(await validateSessionToken(a.token)).toBeNull();
    expect(await validateSessionToken(b.token)).toBeNull();
    expect(await validateSessionToken(me.token)).not.toBeNull();

    const out = await callRoute(sessionsPage.action, postRequest("/settings/sessions", { intent: "revoke", sessionId: me.session.id }, { token: me.token }));
    expect(out.status).toBe(302);
    expect(out.headers.get("Location")).toBe("/login");
    expect(out.headers.get("Set-Cookie")).toContain("Max-Age=0");
    expect(await validateSessionToken(me.token)).toBeNull();
  });

  it("answers an unknown intent with 400", async () => {
    const me = await signedIn();
    const res = await callRoute(sessionsPage.action, postRequest("/settings/sessions", { intent: "nuke" }, { token: me.token }));
    expect(res.status).toBe(400);
    expect(Object.keys((await readJson(res)).errors)).toEqual(["intent"]);
    const none = await callRoute(sessionsPage.action, postRequest("/settings/sessions", {}, { token: me.token }));
    expect(none.status).toBe(400);
  });
});

describe("role pages ask the policy", () => {
  it("compliance and analytics are 404 unless the policy allows", async () => {
    const member = await signedIn(["member"]);
    expect((await callRoute(compliance.loader, getRequest("/compliance", { token: member.token }))).status).toBe(404);
    expect((await callRoute(analytics.loader, getRequest("/analytics", { token: member.token }))).status).toBe(404);

    const officer = await signedIn(["compliance", "member"]);
    expect((await callRoute(compliance.loader, getRequest("/compliance", { token: officer.token }))).status).toBe(200);
    expect((await callRoute(analytics.loader, getRequest("/analytics", { token: officer.token }))).status).toBe(404);

    const hr = await signedIn(["hr", "member"]);
    // the organisation's dashboard (tests/integration/analytics-*.test.ts cover its figures)
    await expect((analytics.loader as RouteFunction)({ request: getRequest("/analytics", { token: hr.token }), params: {}, context: { clientIp: "" } })).resolves.toMatchObject({ data: { scope: "org" } });
  });
});
