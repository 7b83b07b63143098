import { env } from "~/env.server";

// Whether OpenID Connect sign-in is configured, and whether a password may still sign in
// (an organisation that requires SSO keeps one break-glass admin on a password).

export function oidcEnabled(): boolean {
  const e = env();
  return !!(e.OIDC_ISSUER && e.OIDC_CLIENT_ID);
}

/** Password sign-in is refused for this email when the org requires SSO (the break-glass admin excepted). */
export function passwordAllowed(email: string): boolean {
  const e = env();
  if (!e.OIDC_REQUIRE_SSO || !oidcEnabled()) return true;
  return !!e.OIDC_BREAK_GLASS_EMAIL && email.trim().toLowerCase() === e.OIDC_BREAK_GLASS_EMAIL.toLowerCase();
}
