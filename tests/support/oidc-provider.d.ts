// oidc-provider ships JavaScript without types; the tests use it only as a real provider to sign in against.
declare module "oidc-provider";
