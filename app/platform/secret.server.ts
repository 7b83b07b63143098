import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "~/env.server";

// The application secret signs links that must work without a session (unsubscribe).
// APP_SECRET wins; otherwise one random secret is generated per data directory. Several
// instances must share APP_SECRET, or a link signed by one fails on another.

const holder = ((globalThis as Record<string, unknown>).__atriumSecret ??= {}) as { key?: Buffer; from?: string };

function fileSecret(): Buffer {
  const file = path.join(dataDir(), "app-secret");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  try {
    // "wx": never overwrite; a second process racing us reads the winner's secret below
    fs.writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { flag: "wx", mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const text = fs.readFileSync(file, "utf8").trim();
  if (text.length < 32) throw new Error(`${file} is too short to be a secret; delete it to generate a new one`);
  return Buffer.from(text, "utf8");
}

export function appSecret(): Buffer {
  const configured = env().APP_SECRET;
  const from = configured ? "env" : dataDir();
  if (!holder.key || holder.from !== from) {
    holder.key = configured ? Buffer.from(configured, "utf8") : fileSecret();
    holder.from = from;
  }
  return holder.key;
}

/** HMAC-SHA256 of `purpose` and `value`: a signature for one purpose never verifies for another. */
export function sign(purpose: string, value: string): string {
  return createHmac("sha256", appSecret()).update(`${purpose}\0${value}`).digest("base64url");
}

export function verify(purpose: string, value: string, signature: string): boolean {
  const expected = Buffer.from(sign(purpose, value));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
