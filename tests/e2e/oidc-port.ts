// The loopback port of the OpenID provider the SSO journey signs in through (a webServer entry of
// playwright.config.ts starts it): E2E_OIDC_PORT, else E2E_PORT + 1000, so checkouts side by side never clash.
export const E2E_APP_PORT = Number(process.env.E2E_PORT ?? 3311);
export const E2E_OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? E2E_APP_PORT + 1000);
export const E2E_ISSUER = `http://127.0.0.1:${E2E_OIDC_PORT}`;
