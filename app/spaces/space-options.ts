// Shared by the space forms (browser) and their schemas (server).
export const SPACE_VISIBILITIES = ["open", "private", "secret"] as const;
export const JOIN_POLICIES = ["open", "request", "invite"] as const;
export const SLUG_RE = /^[a-z0-9-]{2,60}$/;

export type SpaceVisibilityOption = (typeof SPACE_VISIBILITIES)[number];
export type JoinPolicyOption = (typeof JOIN_POLICIES)[number];

/** The shape of a space's slug, in forms and in `/spaces/:slug`. */
export const isSlug = (value: string) => SLUG_RE.test(value);
