export const ORG_ROLES = ["member", "curator", "compliance", "hr", "admin"] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
