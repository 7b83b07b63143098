import { createRequire } from "node:module";
import { sql } from "drizzle-orm";
import { getDb } from "~/db/client.server";
import { searchHealth } from "../../search/client";

const version: string = (() => {
  try {
    return createRequire(import.meta.url)(`${process.cwd()}/package.json`).version as string;
  } catch {
    return "unknown";
  }
})();

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  return Promise.race([p, new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref())]);
}

export async function checkHealth() {
  const db = await withTimeout(
    getDb()
      .then((d) => d.execute(sql`select 1`))
      .then(() => "ok" as const)
      .catch(() => "down" as const),
    3000,
    "down" as const,
  );
  const search = await searchHealth().catch(() => "degraded" as const);
  const status = db === "ok" ? (search === "ok" ? "ok" : "degraded") : "down";
  return { status, db, search, version };
}
