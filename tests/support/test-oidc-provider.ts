import type { AddressInfo } from "node:net";
import { createServer, type Server } from "node:http";
import Provider from "oidc-provider";

// A real OpenID provider (oidc-provider) on a loopback port, for the integration tests and the
// Playwright journey. Accounts are looked up in `accounts` by subject (the login typed on the
// provider's own development login form); their claims go into the ID token itself, as Entra ID
// and Okta send them.

export type TestProvider = { issuer: string; accounts: Map<string, Record<string, unknown>>; close: () => Promise<void> };

export const TEST_CLIENT = { id: "atrium", secret: "atrium-secret-atrium-secret-0123" };
const CLAIMS = ["email", "email_verified", "name", "department", "job_title", "manager_email", "manager_id", "org_unit"];

export async function startOidcProvider(opts: {
  redirectUris: string[];
  port?: number;
  /** grant consent up front (integration tests); false: the provider asks, as it does a first-time user */
  autoConsent?: boolean;
  /** claims for a subject nobody registered in `accounts` (the e2e journey signs demo personas in by email) */
  fallback?: (sub: string) => Record<string, unknown> | undefined;
}): Promise<TestProvider> {
  const accounts = new Map<string, Record<string, unknown>>();
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const autoConsent = opts.autoConsent ?? true;
  const provider = new Provider(issuer, {
    clients: [{ client_id: TEST_CLIENT.id, client_secret: TEST_CLIENT.secret, redirect_uris: opts.redirectUris, grant_types: ["authorization_code"], response_types: ["code"] }],
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    // a code that outlives its ID token, so the expired-token test reaches the client's own check
    ttl: { AuthorizationCode: 3600, IdToken: 60, AccessToken: 3600, Interaction: 3600, Session: 3600, Grant: 3600 },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "department", "job_title", "manager_email", "manager_id", "org_unit"] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, ...(accounts.get(sub) ?? opts.fallback?.(sub) ?? {}) }) }),
    ...(autoConsent
      ? {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          loadExistingGrant: async (ctx: any) => {
            const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
            grant.addOIDCScope("openid email profile");
            grant.addOIDCClaims(CLAIMS);
            await grant.save();
            return grant;
          },
        }
      : {}),
  });
  server.on("request", provider.callback());
  return { issuer, accounts, close: () => new Promise((r) => server.close(() => r())) };
}

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

/**
 * Walks the provider from our authorization URL to its redirect back to `callbackPrefix`, posting its
 * development login form as `sub` (any password). Returns the callback URL.
 */
export async function walkProvider(issuer: string, authUrl: string, sub: string, callbackPrefix: string): Promise<URL> {
  const jar = new Jar();
  let url = authUrl;
  for (let hop = 0; hop < 10; hop++) {
    const res = await fetch(url, { redirect: "manual", headers: { Cookie: jar.header() } });
    jar.take(res);
    const location = res.headers.get("Location");
    if (res.status === 200 && /\/interaction\//.test(url)) {
      const post = await fetch(url, { method: "POST", redirect: "manual", headers: { Cookie: jar.header(), "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ prompt: "login", login: sub, password: "x" }) });
      jar.take(post);
      url = new URL(post.headers.get("Location")!, issuer).href;
      continue;
    }
    if (!location) throw new Error(`provider answered ${res.status} at ${url}: ${(await res.text()).slice(0, 300)}`);
    const next = new URL(location, url);
    if (next.href.startsWith(callbackPrefix)) return next;
    url = next.href;
  }
  throw new Error("too many redirects");
}
