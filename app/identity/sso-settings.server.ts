import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { runCommand } from "~/compliance/command.server";
import { getDb, type Db, type DbOrTx } from "~/db/client.server";
import { orgs, ssoSettings, users } from "~/db/schema";
import { env, publicOrigin, type Env } from "~/env.server";
import type { MessageKey } from "~/i18n";
import { appSecret } from "~/platform/secret.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { now } from "~/utils/clock.server";
import type { Viewer } from "~/policy/policy";

// Single sign-on settings: what the org admin keeps on Admin → Single sign-on (table sso_settings),
// overridden field by field by the OIDC_* environment variables (a deployment pins what it must; the
// page shows those fields as set by the environment). SSO signs people into one organisation:
// OIDC_ORG_ID, else the only one. The client secret is stored encrypted and never leaves the server.

export type ManagerMatch = "email" | "external_id";

export type SsoConfig = {
  issuer: string | null;
  clientId: string | null;
  clientSecret: string | null;
  emailDomains: string[];
  jit: boolean;
  requireSso: boolean;
  breakGlassEmail: string | null;
  /** the claim each profile attribute is copied from at each sign-in (null: not mapped) */
  departmentClaim: string | null;
  titleClaim: string | null;
  managerClaim: string | null;
  managerMatch: ManagerMatch;
};
export type SsoField = keyof SsoConfig;
export type SsoSource = "env" | "page" | "default";

/** The environment variable that wins over each field. */
export const SSO_ENV: Record<SsoField, keyof Env> = {
  issuer: "OIDC_ISSUER",
  clientId: "OIDC_CLIENT_ID",
  clientSecret: "OIDC_CLIENT_SECRET",
  emailDomains: "OIDC_EMAIL_DOMAINS",
  jit: "OIDC_JIT",
  requireSso: "OIDC_REQUIRE_SSO",
  breakGlassEmail: "OIDC_BREAK_GLASS_EMAIL",
  departmentClaim: "OIDC_DEPARTMENT_CLAIM",
  titleClaim: "OIDC_TITLE_CLAIM",
  managerClaim: "OIDC_MANAGER_CLAIM",
  managerMatch: "OIDC_MANAGER_MATCH",
};

// Before an admin saves anything: the mapping the environment-only version had.
const DEFAULTS: SsoConfig = {
  issuer: null,
  clientId: null,
  clientSecret: null,
  emailDomains: [],
  jit: false,
  requireSso: false,
  breakGlassEmail: null,
  departmentClaim: "department",
  titleClaim: "job_title",
  managerClaim: null,
  managerMatch: "email",
};

const splitDomains = (v: string) =>
  v
    .split(/[\s,]+/)
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);

function envValues(): Partial<SsoConfig> {
  const e = env();
  const out: Partial<SsoConfig> = {};
  if (e.OIDC_ISSUER) out.issuer = e.OIDC_ISSUER;
  if (e.OIDC_CLIENT_ID) out.clientId = e.OIDC_CLIENT_ID;
  if (e.OIDC_CLIENT_SECRET) out.clientSecret = e.OIDC_CLIENT_SECRET;
  if (e.OIDC_EMAIL_DOMAINS) out.emailDomains = splitDomains(e.OIDC_EMAIL_DOMAINS);
  if (e.OIDC_JIT !== undefined) out.jit = e.OIDC_JIT;
  if (e.OIDC_REQUIRE_SSO !== undefined) out.requireSso = e.OIDC_REQUIRE_SSO;
  if (e.OIDC_BREAK_GLASS_EMAIL) out.breakGlassEmail = e.OIDC_BREAK_GLASS_EMAIL.toLowerCase();
  if (e.OIDC_DEPARTMENT_CLAIM) out.departmentClaim = e.OIDC_DEPARTMENT_CLAIM;
  if (e.OIDC_TITLE_CLAIM) out.titleClaim = e.OIDC_TITLE_CLAIM;
  if (e.OIDC_MANAGER_CLAIM) out.managerClaim = e.OIDC_MANAGER_CLAIM;
  if (e.OIDC_MANAGER_MATCH) out.managerMatch = e.OIDC_MANAGER_MATCH;
  return out;
}

// ---------- the stored secret ----------

// AES-256-GCM under a key derived from the app secret for this one purpose: a database dump or a page
// never shows the client secret in plain text. Changing APP_SECRET makes it unreadable (enter it again).
const secretKey = () => Buffer.from(hkdfSync("sha256", appSecret(), Buffer.alloc(0), "atrium sso client secret v1", 32));

export function sealSecret(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", secretKey(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
}

export function openSecret(sealed: string): string | null {
  try {
    const [v, data] = sealed.split(".");
    if (v !== "v1" || !data) return null;
    const raw = Buffer.from(data, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", secretKey(), raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

// ---------- effective settings ----------

type Row = typeof ssoSettings.$inferSelect;

async function rowFor(db: DbOrTx, orgId: string): Promise<Row | null> {
  const [row] = await db.select().from(ssoSettings).where(eq(ssoSettings.orgId, orgId)).limit(1);
  return row ?? null;
}

function pageValues(row: Row | null): Partial<SsoConfig> {
  if (!row) return {};
  return {
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: row.clientSecretEnc ? openSecret(row.clientSecretEnc) : null,
    emailDomains: row.emailDomains,
    jit: row.jit,
    requireSso: row.requireSso,
    breakGlassEmail: row.breakGlassEmail,
    departmentClaim: row.departmentClaim,
    titleClaim: row.titleClaim,
    managerClaim: row.managerClaim,
    managerMatch: row.managerMatch === "external_id" ? "external_id" : "email",
  };
}

function merge(row: Row | null): { config: SsoConfig; sources: Record<SsoField, SsoSource> } {
  const fromEnv = envValues();
  const fromPage = pageValues(row);
  const config = { ...DEFAULTS };
  const sources = {} as Record<SsoField, SsoSource>;
  for (const k of Object.keys(DEFAULTS) as SsoField[]) {
    if (fromEnv[k] !== undefined) {
      (config as Record<string, unknown>)[k] = fromEnv[k];
      sources[k] = "env";
    } else if (row) {
      (config as Record<string, unknown>)[k] = fromPage[k];
      sources[k] = "page";
    } else sources[k] = "default";
  }
  return { config, sources };
}

/** The organisation SSO signs people into: OIDC_ORG_ID, else the only organisation (null: none). */
export async function ssoOrgId(db?: DbOrTx): Promise<string | null> {
  const e = env();
  if (e.OIDC_ORG_ID) return e.OIDC_ORG_ID;
  const rows = await (db ?? (await getDb())).select({ id: orgs.id }).from(orgs).limit(2);
  return rows.length === 1 ? rows[0].id : null;
}

/** The settings sign-in uses: the SSO organisation's, environment first. */
export async function ssoConfig(db?: DbOrTx): Promise<{ orgId: string | null; config: SsoConfig }> {
  const d = db ?? (await getDb());
  const orgId = await ssoOrgId(d);
  return { orgId, config: merge(orgId ? await rowFor(d, orgId) : null).config };
}

const enabled = (c: SsoConfig) => !!(c.issuer && c.clientId);

export async function oidcEnabled(): Promise<boolean> {
  return enabled((await ssoConfig()).config);
}

/**
 * Password sign-in is refused when SSO is set up and required (the break-glass admin excepted). It is a
 * deployment-wide answer, independent of whether the email has an account, so it tells nobody which do.
 */
export async function passwordAllowed(email: string): Promise<boolean> {
  const { config } = await ssoConfig();
  if (!config.requireSso || !enabled(config)) return true;
  return !!config.breakGlassEmail && email.trim().toLowerCase() === config.breakGlassEmail.toLowerCase();
}

/** Whether SSO accepts this (verified) email: any, or one of the allowed domains. */
export function emailDomainAllowed(config: SsoConfig, email: string): boolean {
  if (config.emailDomains.length === 0) return true;
  const domain = email.slice(email.lastIndexOf("@") + 1).toLowerCase();
  return config.emailDomains.includes(domain);
}

/** What SCIM groups provision in this organisation: departments (the default) or spaces. */
export async function scimGroupTarget(db: DbOrTx, orgId: string): Promise<"department" | "space"> {
  const [row] = await db.select({ target: ssoSettings.scimGroups }).from(ssoSettings).where(eq(ssoSettings.orgId, orgId)).limit(1);
  return row?.target === "space" ? "space" : "department";
}

// ---------- the admin page ----------

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** https:// only; plain http to this machine in development and tests (or with INTEGRATIONS_ALLOW_HTTP_LOOPBACK). */
export function issuerAllowed(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.search || url.hash || url.username || url.password) return false;
  if (url.protocol === "https:") return true;
  const e = env();
  return url.protocol === "http:" && LOOPBACK.has(url.hostname) && (e.NODE_ENV !== "production" || e.INTEGRATIONS_ALLOW_HTTP_LOOPBACK);
}

const CLAIM = /^[A-Za-z0-9_:./-]{1,200}$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const checkbox = z
  .enum(["on", "true", "1", "off", "false", "0", ""])
  .optional()
  .transform((v) => v === "on" || v === "true" || v === "1");
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => v || null);

/** The form of Admin → Single sign-on. An empty secret keeps the stored one. */
export const SsoSettingsInput = z
  .object({
    issuer: optionalText(500).refine((v) => v === null || issuerAllowed(v), "sso.error.issuer"),
    clientId: optionalText(200),
    clientSecret: z.string().max(500).optional().transform((v) => (v ? v : null)),
    clearSecret: checkbox,
    emailDomains: z
      .string()
      .max(2000)
      .optional()
      .transform((v) => [...new Set(splitDomains(v ?? ""))])
      .refine((ds) => ds.length <= 50 && ds.every((d) => DOMAIN.test(d)), "sso.error.domains"),
    jit: checkbox,
    requireSso: checkbox,
    breakGlassEmail: z
      .string()
      .trim()
      .max(254)
      .optional()
      .transform((v) => (v ? v.toLowerCase() : null))
      .refine((v) => v === null || z.string().email().safeParse(v).success, "form.invalidEmail"),
    mapDepartment: checkbox,
    departmentClaim: z.string().trim().max(200).optional(),
    mapTitle: checkbox,
    titleClaim: z.string().trim().max(200).optional(),
    mapManager: checkbox,
    managerClaim: z.string().trim().max(200).optional(),
    managerMatch: z.enum(["email", "external_id"]).default("email"),
    scimGroups: z.enum(["department", "space"]).default("department"),
  })
  .superRefine((v, ctx) => {
    // a mapping switched on must name its claim
    for (const [on, field] of [
      [v.mapDepartment, "departmentClaim"],
      [v.mapTitle, "titleClaim"],
      [v.mapManager, "managerClaim"],
    ] as const) {
      const claim = v[field] ?? "";
      if (on && !CLAIM.test(claim)) ctx.addIssue({ code: "custom", path: [field], message: "sso.error.claim" });
    }
  });
export type SsoSettingsForm = z.infer<typeof SsoSettingsInput>;

export type SsoFieldView = { value: string | boolean | string[] | null; source: SsoSource; envName: string };

/** The page's view: values (never the secret), where each comes from, and whether SSO serves this org. */
export async function ssoSettingsPage(viewer: Viewer, db?: Db) {
  const { orgId } = authorizeOrg(viewer, "manage_sso");
  const d = db ?? (await getDb());
  const row = await rowFor(d, orgId);
  const { config, sources } = merge(row);
  const fields = {} as Record<Exclude<SsoField, "clientSecret">, SsoFieldView>;
  for (const k of Object.keys(DEFAULTS) as SsoField[]) {
    if (k === "clientSecret") continue;
    fields[k] = { value: config[k], source: sources[k], envName: SSO_ENV[k] };
  }
  const secret = {
    source: sources.clientSecret,
    envName: SSO_ENV.clientSecret,
    stored: !!row?.clientSecretEnc,
    // stored but unreadable: APP_SECRET changed since it was saved
    unreadable: !!row?.clientSecretEnc && sources.clientSecret !== "env" && config.clientSecret === null,
    setAt: row?.secretSetAt?.toISOString() ?? null,
  };
  const servedOrg = await ssoOrgId(d);
  return {
    fields,
    secret,
    enabled: enabled(config),
    servesThisOrg: servedOrg === orgId,
    redirectUri: `${publicOrigin()}/auth/oidc/callback`,
    scimGroups: row?.scimGroups === "space" ? ("space" as const) : ("department" as const),
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

export type SaveResult = { ok: true } | { ok: false; errors: Partial<Record<keyof SsoSettingsForm, MessageKey>> };

/**
 * Saves the page's settings in one command (audited with what changed; the secret only as "changed").
 * Fields the environment sets keep their stored value. Refused as a whole, nothing stored: requiring SSO
 * without an issuer and client id, or without a break-glass email of an active admin of this org.
 */
export async function saveSsoSettings(viewer: Viewer, input: SsoSettingsForm, db?: Db): Promise<SaveResult> {
  const { orgId, actorId } = authorizeOrg(viewer, "manage_sso");
  const f = input; // parsed by the route with SsoSettingsInput (its transforms do not run twice)
  const d = db ?? (await getDb());
  return runCommand(d, async ({ tx, audit }) => {
    const before = await rowFor(tx, orgId);
    const fromEnv = envValues();
    const keep = <K extends keyof Row>(field: SsoField, col: K, value: Row[K]): Row[K] => (fromEnv[field] !== undefined && before ? before[col] : value);
    const sealed = f.clearSecret ? null : f.clientSecret ? sealSecret(f.clientSecret) : (before?.clientSecretEnc ?? null);
    const next = {
      issuer: keep("issuer", "issuer", f.issuer),
      clientId: keep("clientId", "clientId", f.clientId),
      clientSecretEnc: keep("clientSecret", "clientSecretEnc", sealed),
      secretSetAt: f.clientSecret || f.clearSecret ? now() : (before?.secretSetAt ?? null),
      emailDomains: keep("emailDomains", "emailDomains", f.emailDomains),
      jit: keep("jit", "jit", f.jit),
      requireSso: keep("requireSso", "requireSso", f.requireSso),
      breakGlassEmail: keep("breakGlassEmail", "breakGlassEmail", f.breakGlassEmail),
      departmentClaim: keep("departmentClaim", "departmentClaim", f.mapDepartment ? f.departmentClaim! : null),
      titleClaim: keep("titleClaim", "titleClaim", f.mapTitle ? f.titleClaim! : null),
      managerClaim: keep("managerClaim", "managerClaim", f.mapManager ? f.managerClaim! : null),
      managerMatch: keep("managerMatch", "managerMatch", f.managerMatch),
      scimGroups: f.scimGroups,
    };
    // judge what sign-in will actually use: the environment's values where set
    const { config } = merge({ orgId, ...next, updatedBy: actorId, updatedAt: now() });
    if (config.requireSso) {
      if (!enabled(config)) return { ok: false as const, errors: { requireSso: "sso.error.requireNeedsProvider" as const } };
      const admin = config.breakGlassEmail
        ? (
            await tx
              .select({ id: users.id })
              .from(users)
              .where(and(eq(users.orgId, orgId), eq(users.status, "active"), sql`lower(${users.email}) = ${config.breakGlassEmail}`, sql`'admin' = any(${users.roles})`))
              .limit(1)
          )[0]
        : undefined;
      if (!admin) return { ok: false as const, errors: { breakGlassEmail: "sso.error.breakGlass" as const } };
    }
    await tx
      .insert(ssoSettings)
      .values({ orgId, ...next, updatedBy: actorId, updatedAt: now() })
      .onConflictDoUpdate({ target: ssoSettings.orgId, set: { ...next, updatedBy: actorId, updatedAt: now() } });
    const visible = (r: typeof next | Row | null) => {
      if (!r) return null;
      const { clientSecretEnc: _s, secretSetAt: _t, ...rest } = r as typeof next;
      return rest;
    };
    await audit({
      orgId,
      actorId,
      action: "sso.settings.change",
      targetKind: "org",
      targetId: orgId,
      data: { before: visible(before), after: visible(next), secretChanged: next.clientSecretEnc !== (before?.clientSecretEnc ?? null) },
    });
    return { ok: true as const };
  });
}
