import { createRequire } from "node:module";
import { dbReady, getDb, lastQueryOkAt, noteQueryOk } from "~/db/client.server";
import { searchHealth } from "../../search/client";
import { outboxBacklog, type Backlog } from "./outbox.server";
import { jobsRunning } from "./workers.server";

const version: string = (() => {
  try {
    return createRequire(import.meta.url)(`${process.cwd()}/package.json`).version as string;
  } catch {
    return "unknown";
  }
})();

/** How long /healthz waits for a fresh database probe before answering from what it knows. */
export const PROBE_WAIT_MS = 1_500;
/** A database with no successful query for this long (and a probe still waiting) is down. */
export const DOWN_AFTER_MS = 15_000;

// One probe in flight at a time: under load a queue of `select`s would only add to the wait.
type ProbeState = { inflight: Promise<Backlog> | null; backlog: Backlog | null; backlogAt: number };
const probe = ((globalThis as Record<string, unknown>).__atriumHealthProbe ??= { inflight: null, backlog: null, backlogAt: 0 }) as ProbeState;

function runProbe(): Promise<Backlog> {
  probe.inflight ??= (async () => {
    const backlog = await outboxBacklog(await getDb()); // a real query: it proves the database answers
    noteQueryOk();
    probe.backlog = backlog;
    probe.backlogAt = Date.now();
    return backlog;
  })().finally(() => (probe.inflight = null));
  return probe.inflight;
}

type DbState = "ok" | "down" | "starting";

async function dbHealth(): Promise<{ db: DbState; busy: boolean; error?: string }> {
  if (!dbReady()) {
    // still opening (or migrating) — or the last open failed and this probe retries it
    const r = await Promise.race([getDb().then(() => "open" as const, (e: Error) => e), wait(PROBE_WAIT_MS)]);
    if (r !== "open") return { db: r instanceof Error ? "down" : "starting", busy: false, error: r instanceof Error ? r.message : undefined };
  }
  const r = await Promise.race([runProbe().then(() => "ok" as const, (e: Error) => e), wait(PROBE_WAIT_MS)]);
  if (r === "ok") return { db: "ok", busy: false };
  if (r instanceof Error) return { db: "down", busy: false, error: r.message.slice(0, 200) };
  // Slow, not failed: the one PGlite connection (or the pool) is busy. Recent success is proof of life.
  return { db: Date.now() - lastQueryOkAt() < DOWN_AFTER_MS ? "ok" : "down", busy: true };
}

function wait(ms: number) {
  return new Promise<"slow">((resolve) => setTimeout(() => resolve("slow"), ms).unref());
}

export async function checkHealth() {
  const [db, search] = await Promise.all([dbHealth(), searchHealth().catch(() => "degraded" as const)]);
  const status = db.db === "ok" ? (search === "ok" ? "ok" : "degraded") : db.db;
  return {
    status,
    db: db.db,
    search,
    version,
    ...(db.busy ? { dbBusy: true } : {}),
    ...(db.error ? { dbError: db.error } : {}),
    // periodic jobs running in this instance now (a benchmark waits for the start-up runs to end)
    jobs: jobsRunning(),
    // from the last probe that finished (a busy database answers with the previous figures)
    backlog: probe.backlog ? { ...probe.backlog, asOfSeconds: Math.round((Date.now() - probe.backlogAt) / 100) / 10 } : null,
  };
}
