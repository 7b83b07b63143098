// Shared with the admin page's form: never in a .server module (those are empty in the browser).
export const TOKEN_KINDS = ["personal", "service", "scim"] as const;
export const API_SCOPES = ["read", "write", "admin"] as const;
