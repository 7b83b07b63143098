import os from "node:os";
import path from "node:path";
import { z } from "zod";

const optionalFlag = z
  .enum(["true", "false", "1", "0"])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === "true" || v === "1"));

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  // Cluster mode: this many app processes share PORT ("auto": one per core). Needs DATABASE_URL: the embedded
  // PGlite opens in one process only, so without it the server runs one process (docs/deploy.md).
  WEB_CONCURRENCY: z
    .string()
    .regex(/^(auto|[1-9][0-9]?)$/, 'a number of processes from 1 to 99, or "auto" (one per core)')
    .default("1"),
  DATABASE_URL: z.string().url().optional(),
  ATRIUM_DATA_DIR: z.string().default("./data"),
  MEILI_URL: z.string().url().optional(),
  MEILI_MASTER_KEY: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(12),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  // Requests a process works on at once; more wait their turn (docs/deploy.md "Admission control"). 0: no limit.
  MAX_CONCURRENT_REQUESTS: z.coerce.number().int().min(0).max(10_000).default(4),
  // Heap growth of an app process: the old generation may grow this much over what survived the last full
  // garbage collection before the next one (V8's --heap-growing-percent, set at start; docs/deploy.md "Memory
  // per process"). 0: V8's own heuristics (up to 4× the live heap). A --heap-growing-percent flag given to
  // node on its command line wins (node refuses that flag in NODE_OPTIONS).
  HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(1000).default(50),
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_PER_IP: z.coerce.number().int().positive().default(30),
  // OpenID Connect sign-in (docs/integrations.md). Also settable on Admin → Single sign-on; a variable set here
  // wins over the page, field by field (the page shows it as "set by the environment").
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  // The organisation SSO signs people into (default: the only one).
  OIDC_ORG_ID: z.string().min(1).optional(),
  // Create an account on first sign-in for a verified email nobody has yet (unset: the page's setting, else off).
  OIDC_JIT: optionalFlag,
  // Password sign-in off, except for the break-glass admin's email (unset: the page's setting, else off).
  OIDC_REQUIRE_SSO: optionalFlag,
  OIDC_BREAK_GLASS_EMAIL: z.string().email().optional(),
  // Comma-separated email domains SSO accepts (unset: the page's list; an empty list accepts any domain).
  OIDC_EMAIL_DOMAINS: z
    .string()
    .regex(/^\s*[a-z0-9.-]+(\s*,\s*[a-z0-9.-]+)*\s*$/i, "comma-separated domains, e.g. bank.example,bank.fr")
    .optional(),
  // ID-token claims copied to the profile at each sign-in (unset: the page's mapping, else department / job_title).
  OIDC_DEPARTMENT_CLAIM: z.string().min(1).optional(),
  OIDC_TITLE_CLAIM: z.string().min(1).optional(),
  // The claim naming a person's manager, and how it names them (their email, or their external id from SCIM).
  OIDC_MANAGER_CLAIM: z.string().min(1).optional(),
  OIDC_MANAGER_MATCH: z.enum(["email", "external_id"]).optional(),
  // REST API and SCIM: requests per token per minute (RateLimit-* headers, 429 beyond).
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(600),
  LOGIN_WINDOW_MINUTES: z.coerce.number().positive().default(15),
  TRUSTED_ORIGINS: z.string().default(""),
  TRUST_PROXY: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  DEMO_PASSWORD: z.string().min(8).default("atrium-demo-2026"),
  PUBLIC_URL: z.string().url().optional(),
  // Unset: mail goes to a local SMTP sink that keeps it under $ATRIUM_DATA_DIR/mail.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/]/, "must be smtp://user:pass@host:port or smtps://…")
    .optional(),
  SMTP_FROM: z.string().min(3).default("Atrium <no-reply@atrium.local>"),
  // Signs unsubscribe links. Unset: a random secret kept in $ATRIUM_DATA_DIR/app-secret (one instance only).
  APP_SECRET: z.string().min(32).optional(),
  // Ed25519 private key that signs daily archive checkpoints (PKCS#8 PEM, "\n" allowed, or base64 DER); the same on
  // every instance. Unset: a key created on first use in $ATRIUM_DATA_DIR/keys/checkpoint-ed25519.pem (mode 0600).
  ATRIUM_CHECKPOINT_KEY: z.string().min(40).optional(),
  // Public halves of earlier checkpoint keys (comma-separated PEM or base64 SPKI): their checkpoints still verify.
  ATRIUM_CHECKPOINT_RETIRED_KEYS: z.string().optional(),
  OUTBOX_TICK_MS: z.coerce.number().int().positive().default(200),
  OUTBOX_BACKOFF_MS: z.coerce.number().int().nonnegative().default(1000),
  MEILI_BIN: z.string().optional(),
  // The embedded engine's indexing memory budget (its --max-indexing-memory). Meilisearch's default,
  // two thirds of the machine's memory, made a one-document update take ~180 ms at 1.9 M documents
  // and bulk indexing ~5,500 documents/s; 512 MiB: ~90 ms and ~8,000/s (docs/deploy.md).
  MEILI_MAX_INDEXING_MEMORY: z
    .string()
    .regex(/^\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)$/i, "a size such as 512Mb or 2GiB")
    .default("512Mb"),
  // Outbound signed HTTP (webhooks, archive stream) goes to https:// only; "true" also allows
  // http:// to loopback addresses (127.0.0.1, localhost, [::1]) for tests and local receivers.
  INTEGRATIONS_ALLOW_HTTP_LOOPBACK: z
    .enum(["true", "false", "1", "0"])
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  // The archive vendor's conversation endpoint: every message, edit, delete, reaction and space
  // join/leave is pushed there as one signed JSON event. Unset: no archive stream.
  ARCHIVE_STREAM_URL: z.string().url().optional(),
  // HMAC-SHA256 key of the archive stream's signature header (required with ARCHIVE_STREAM_URL).
  ARCHIVE_STREAM_SECRET: z.string().min(16).optional(),
  // Inferred expertise halves in weight every this many days.
  EXPERTISE_HALF_LIFE_DAYS: z.coerce.number().positive().max(3650).default(180),
  // eDiscovery exports (issue 15): where the zip files are written (default $ATRIUM_DATA_DIR/exports; every
  // instance must see the same folder), and how long a finished export stays downloadable.
  ATRIUM_EXPORT_DIR: z.string().optional(),
  EXPORT_KEEP_HOURS: z.coerce.number().positive().max(24 * 90).default(72),
  MEILI_INDEX_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]*$/, "letters, digits, - and _ only")
    .default(""),
  // Apply pending migrations when the database opens (start, scripts). "false" for a runtime role that owns
  // nothing (docs/sql/role-split.sql): migrations then run separately as the owner (npm run db:migrate).
  // Server-side prepared statements for reads (PostgreSQL): parsed once per connection, and planned once
  // when a generic plan is as good. "false" behind a pooler in transaction mode (PgBouncer), which
  // cannot keep a statement across transactions.
  DATABASE_PREPARE: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  ATRIUM_MIGRATE: z
    .enum(["true", "false", "1", "0"])
    .default("true")
    .transform((v) => v === "true" || v === "1"),
  // Internal: the folder of SQL migrations (tests and packaged builds), and an in-memory PGlite for tests.
  ATRIUM_MIGRATIONS_DIR: z.string().default("drizzle"),
  ATRIUM_PGLITE_MEMORY: z.enum(["0", "1"]).optional(),
});

export type Env = z.infer<typeof schema>;

const KEYS = Object.keys(schema.shape);
let cached: { key: string; value: Env } | null = null;

/**
 * The one place that reads the environment: validated, with defaults. Throws one readable
 * message listing every bad variable. Re-parsed only when a variable it knows changes
 * (tests and scripts set some before starting servers).
 */
export function env(): Env {
  const key = KEYS.map((k) => process.env[k] ?? "\u0000").join("\u0001");
  if (cached && cached.key === key) return cached.value;
  const parsed = schema.safeParse(Object.fromEntries(KEYS.map((k) => [k, blankToUndefined(process.env[k])])));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = { key, value: parsed.data };
  return parsed.data;
}

function blankToUndefined(v: string | undefined) {
  return v === undefined || v.trim() === "" ? undefined : v.trim();
}

/** The origin people use to reach Atrium: PUBLIC_URL's, else http://localhost:$PORT. */
export function publicOrigin(): string {
  const e = env();
  return new URL(e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).origin;
}

/**
 * Origins allowed to send state-changing requests: the public origin and TRUSTED_ORIGINS. Never
 * derived from the request's Host header, which a DNS-rebinding page controls. Without PUBLIC_URL,
 * the loopback spellings of the default origin are accepted too (a rebinding page cannot claim them).
 */
export function allowedOrigins(): string[] {
  const e = env();
  const trusted = e.TRUSTED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean).map(originOf);
  const own = e.PUBLIC_URL ? [publicOrigin()] : ["localhost", "127.0.0.1", "[::1]"].map((h) => `http://${h}:${e.PORT}`);
  return [...new Set([...own, ...trusted])];
}

function originOf(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    throw new Error(`Invalid environment:\n  TRUSTED_ORIGINS: "${value}" is not an origin (https://host[:port])`);
  }
}

/** How many app processes WEB_CONCURRENCY asks for ("auto": one per core). */
export function webConcurrency(): number {
  const v = env().WEB_CONCURRENCY;
  return v === "auto" ? os.availableParallelism() : Number(v);
}

export function dataDir(): string {
  return path.resolve(env().ATRIUM_DATA_DIR);
}

/** The folder eDiscovery exports are written to. */
export function exportDir(): string {
  return path.resolve(env().ATRIUM_EXPORT_DIR ?? path.join(dataDir(), "exports"));
}
