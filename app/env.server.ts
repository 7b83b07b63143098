import path from "node:path";
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  ATRIUM_DATA_DIR: z.string().default("./data"),
  MEILI_URL: z.string().url().optional(),
  MEILI_MASTER_KEY: z.string().optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().positive().default(12),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_048_576),
  LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  LOGIN_MAX_PER_IP: z.coerce.number().int().positive().default(30),
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
});

export type Env = z.infer<typeof schema>;

let cached: Env | null = null;

/** Validated environment. Throws one readable message listing every bad variable. */
export function env(): Env {
  if (cached && process.env.NODE_ENV !== "test") return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

export function dataDir(): string {
  return path.resolve(env().ATRIUM_DATA_DIR);
}
