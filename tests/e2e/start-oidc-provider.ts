// A real OpenID provider (oidc-provider) for the SSO journey, started by playwright.config.ts beside the
// app. It knows the app's redirect URI and asks for login and consent on its own pages, as a provider
// does for a first-time user. Any login that is an email signs in as that verified email; the claims
// carry a department, a job title and a manager (alice@demo.test) for the app's claim mapping.
import { startOidcProvider } from "../support/test-oidc-provider";
import { E2E_APP_PORT, E2E_OIDC_PORT } from "./oidc-port";

const provider = await startOidcProvider({
  port: E2E_OIDC_PORT,
  redirectUris: [`http://localhost:${E2E_APP_PORT}/auth/oidc/callback`],
  autoConsent: false,
  fallback: (sub) =>
    sub.includes("@")
      ? { email: sub.toLowerCase(), email_verified: true, name: "Sam Newcomer", department: "Operations", job_title: "SSO Analyst", manager_email: "alice@demo.test" }
      : undefined,
});
console.log(`[e2e] OpenID provider at ${provider.issuer}`);
const stop = () => void provider.close().then(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
