import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../app/identity/accounts.server";
import { validateSessionToken } from "../../app/identity/session.server";
import * as callback from "../../app/routes/auth.oidc.callback";
import * as start from "../../app/routes/auth.oidc";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { callRoute, ORIGIN } from "../support/remix";
import { startOidcProvider, TEST_CLIENT, walkProvider, type TestProvider } from "../support/test-oidc-provider";

// OpenID Connect end to end against a real provider (oidc-provider) on a loopback port: the app's
// routes start and finish the flow; the provider's own login form is posted like a browser would.

let provider: TestProvider;
let issuer: string;
let orgId: string;
let tag: string;
let accounts: TestProvider["accounts"];

beforeAll(async () => {
  tag = Math.random().toString(36).slice(2, 8);
  provider = await startOidcProvider({ redirectUris: [`${ORIGIN}/auth/oidc/callback`] });
  ({ issuer, accounts } = provider);
  const org = await makeOrg("SSO Bank");
  orgId = org.id;
  Object.assign(process.env, { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: TEST_CLIENT.id, OIDC_CLIENT_SECRET: TEST_CLIENT.secret, OIDC_ORG_ID: orgId, PUBLIC_URL: ORIGIN });
});

afterEach(() => {
  delete process.env.OIDC_JIT;
  delete process.env.OIDC_REQUIRE_SSO;
  delete process.env.OIDC_BREAK_GLASS_EMAIL;
});

afterAll(async () => {
  for (const k of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ORG_ID", "PUBLIC_URL"]) delete process.env[k];
  await provider.close();
});

/** Runs the flow up to the provider's redirect back to us: the callback URL and our flow cookie. */
async function authorize(sub: string, opts: { tamper?: (url: URL) => void } = {}) {
  const begin = await callRoute(start.loader, new Request(`${ORIGIN}/auth/oidc?redirectTo=/spaces`));
  expect(begin.status).toBe(302);
  const flowCookie = begin.headers.get("Set-Cookie")!.split(";")[0];
  const authUrl = new URL(begin.headers.get("Location")!);
  expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
  opts.tamper?.(authUrl);
  const callbackUrl = await walkProvider(issuer, authUrl.href, sub, `${ORIGIN}/auth/oidc/callback`);
  return { callbackUrl, flowCookie };
}

const finish = (callbackUrl: URL, flowCookie: string) =>
  callRoute(callback.loader, new Request(callbackUrl.href, { headers: { Cookie: flowCookie } }));

const sessionOf = (res: Response) => {
  const c = res.headers.getSetCookie().find((x) => x.startsWith("atrium_session="));
  return c ? decodeURIComponent(c.split(";")[0].split("=")[1]) : null;
};

describe("OpenID Connect sign-in", () => {
  it("signs an existing person in by verified email, updates department and title from claims, opens our session", async () => {
    const u = await makeUser(orgId, { email: `ann-${tag}@sso.test`, department: "Old", name: "Ann" });
    accounts.set(`ann-${tag}`, { email: `ann-${tag}@sso.test`, email_verified: true, name: "Ann", department: "Research", job_title: "Analyst" });
    const { callbackUrl, flowCookie } = await authorize(`ann-${tag}`);
    const res = await finish(callbackUrl, flowCookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/spaces");
    const user = await validateSessionToken(sessionOf(res)!);
    expect(user).toMatchObject({ id: u.id, department: "Research" });
  });

  it("refuses a wrong state, a replayed callback without our cookie, and an unverified email", async () => {
    accounts.set(`bea-${tag}`, { email: `bea-${tag}@sso.test`, email_verified: true, name: "Bea" });
    await makeUser(orgId, { email: `bea-${tag}@sso.test` });
    const { callbackUrl, flowCookie } = await authorize(`bea-${tag}`);
    const wrongState = new URL(callbackUrl);
    wrongState.searchParams.set("state", "forged-state");
    const r1 = await finish(wrongState, flowCookie);
    expect(r1.headers.get("Location")).toBe("/login?sso=rejected");
    expect(sessionOf(r1)).toBeNull();
    const r2 = await callRoute(callback.loader, new Request(callbackUrl.href));
    expect(r2.headers.get("Location")).toBe("/login?sso=no_flow");

    accounts.set(`cy-${tag}`, { email: `cy-${tag}@sso.test`, email_verified: false, name: "Cy" });
    await makeUser(orgId, { email: `cy-${tag}@sso.test` });
    const c = await authorize(`cy-${tag}`);
    expect((await finish(c.callbackUrl, c.flowCookie)).headers.get("Location")).toBe("/login?sso=unverified_email");
  });

  it("refuses an expired ID token", async () => {
    accounts.set(`gus-${tag}`, { email: `gus-${tag}@sso.test`, email_verified: true, name: "Gus" });
    await makeUser(orgId, { email: `gus-${tag}@sso.test` });
    const { callbackUrl, flowCookie } = await authorize(`gus-${tag}`);
    // five minutes later on the app's clock: the ID token lived 60 s (the code and our flow cookie are still valid)
    const { testClock } = await import("../../app/utils/clock.server");
    testClock.advance(5 * 60_000);
    try {
      const res = await finish(callbackUrl, flowCookie);
      expect(res.headers.get("Location")).toBe("/login?sso=rejected");
      expect(sessionOf(res)).toBeNull();
    } finally {
      testClock.reset();
    }
  });

  it("refuses another attempt's code: PKCE verifier and nonce are bound to the attempt", async () => {
    accounts.set(`dee-${tag}`, { email: `dee-${tag}@sso.test`, email_verified: true, name: "Dee" });
    await makeUser(orgId, { email: `dee-${tag}@sso.test` });
    // attempt A is started but its cookie is lost; attempt B's code is presented with A's cookie,
    // state rewritten to A's: the ID token carries B's nonce, which A never sent
    const a = await authorize(`dee-${tag}`);
    const b = await authorize(`dee-${tag}`);
    const mixed = new URL(b.callbackUrl);
    mixed.searchParams.set("state", a.callbackUrl.searchParams.get("state")!);
    const res = await finish(mixed, a.flowCookie);
    expect(res.headers.get("Location")).toBe("/login?sso=rejected");
    expect(sessionOf(res)).toBeNull();
  });

  it("creates an unknown verified person only where OIDC_JIT allows it", async () => {
    accounts.set(`eve-${tag}`, { email: `eve-${tag}@sso.test`, email_verified: true, name: "Eve New", department: "Sales", job_title: "Banker" });
    const refused = await authorize(`eve-${tag}`);
    expect((await finish(refused.callbackUrl, refused.flowCookie)).headers.get("Location")).toBe("/login?sso=no_account");
    process.env.OIDC_JIT = "true";
    const ok = await authorize(`eve-${tag}`);
    const res = await finish(ok.callbackUrl, ok.flowCookie);
    const user = await validateSessionToken(sessionOf(res)!);
    expect(user).toMatchObject({ email: `eve-${tag}@sso.test`, name: "Eve New", department: "Sales", orgId });
  });

  it("an organisation that requires SSO refuses passwords, except the break-glass admin's", async () => {
    const pw = "a long enough password";
    const member = await makeUser(orgId, { email: `fay-${tag}@sso.test`, password: pw });
    const admin = await makeUser(orgId, { email: `root-${tag}@sso.test`, password: pw, roles: ["admin", "member"] });
    expect((await signIn(member.email, pw, "10.1.1.1")).ok).toBe(true);
    process.env.OIDC_REQUIRE_SSO = "true";
    process.env.OIDC_BREAK_GLASS_EMAIL = admin.email;
    expect(await signIn(member.email, pw, "10.1.1.1")).toEqual({ ok: false, reason: "sso_required" });
    expect((await signIn(admin.email, pw, "10.1.1.1")).ok).toBe(true);
  });
});
