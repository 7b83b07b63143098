import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signIn } from "../../app/identity/accounts.server";
import { validateSessionToken } from "../../app/identity/session.server";
import * as callback from "../../app/routes/auth.oidc.callback";
import * as start from "../../app/routes/auth.oidc";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { callRoute, ORIGIN } from "../support/remix";

// OpenID Connect end to end against a real provider (oidc-provider) on a loopback port: the app's
// routes start and finish the flow; the provider's own login form is posted like a browser would.

let server: Server;
let issuer: string;
let orgId: string;
let tag: string;
const accounts = new Map<string, Record<string, unknown>>();

beforeAll(async () => {
  tag = Math.random().toString(36).slice(2, 8);
  server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: "atrium", client_secret: "atrium-secret-atrium-secret-0123", redirect_uris: [`${ORIGIN}/auth/oidc/callback`], grant_types: ["authorization_code"], response_types: ["code"] }],
    pkce: { required: () => true },
    // scope claims in the ID token itself, as Entra ID and Okta send them
    conformIdTokenClaims: false,
    // a code that outlives its ID token, so the expired-token test reaches the client's own check
    ttl: { AuthorizationCode: 3600, IdToken: 60, AccessToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600 },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "department", "job_title"] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, ...(accounts.get(sub) ?? {}) }) }),
    // consent granted up front: the test signs in, it does not click through consent
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    loadExistingGrant: async (ctx: any) => {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope("openid email profile");
      grant.addOIDCClaims(["email", "email_verified", "name", "department", "job_title"]);
      await grant.save();
      return grant;
    },
  });
  server.on("request", provider.callback());
  const org = await makeOrg("SSO Bank");
  orgId = org.id;
  Object.assign(process.env, { OIDC_ISSUER: issuer, OIDC_CLIENT_ID: "atrium", OIDC_CLIENT_SECRET: "atrium-secret-atrium-secret-0123", OIDC_ORG_ID: orgId, PUBLIC_URL: ORIGIN });
});

afterEach(() => {
  delete process.env.OIDC_JIT;
  delete process.env.OIDC_REQUIRE_SSO;
  delete process.env.OIDC_BREAK_GLASS_EMAIL;
});

afterAll(async () => {
  for (const k of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ORG_ID", "PUBLIC_URL"]) delete process.env[k];
  await new Promise((r) => server.close(r));
});

/** A browser's cookie jar for the provider's origin. */
class Jar {
  cookies = new Map<string, string>();
  take(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
  }
  header = () => [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** Runs the flow up to the provider's redirect back to us: the callback URL and our flow cookie. */
async function authorize(sub: string, opts: { tamper?: (url: URL) => void } = {}) {
  const begin = await callRoute(start.loader, new Request(`${ORIGIN}/auth/oidc?redirectTo=/spaces`));
  expect(begin.status).toBe(302);
  const flowCookie = begin.headers.get("Set-Cookie")!.split(";")[0];
  const authUrl = new URL(begin.headers.get("Location")!);
  expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
  opts.tamper?.(authUrl);
  const jar = new Jar();
  let url = authUrl.href;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: "manual", headers: { Cookie: jar.header() } });
    jar.take(res);
    const location = res.headers.get("Location");
    if (res.status === 200 && /\/interaction\//.test(url)) {
      // the provider's development login form: any password, the login is the subject
      const post = await fetch(url, { method: "POST", redirect: "manual", headers: { Cookie: jar.header(), "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ prompt: "login", login: sub, password: "x" }) });
      jar.take(post);
      url = new URL(post.headers.get("Location")!, issuer).href;
      continue;
    }
    if (!location) throw new Error(`provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    const next = new URL(location, url);
    if (next.href.startsWith(`${ORIGIN}/auth/oidc/callback`)) return { callbackUrl: next, flowCookie };
    url = next.href;
  }
  throw new Error("too many redirects");
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
