import cluster, { type Worker } from "node:cluster";
import { mkdir } from "node:fs/promises";
import { findFreePort, loadOrCreateMasterKey, meiliPaths, startMeilisearch, type MeilisearchProcess } from "../../search/process";

// Cluster mode (WEB_CONCURRENCY > 1): the primary process serves nothing itself. It does once
// what only one process may do (migrations, the setup link, the embedded Meilisearch child), then
// forks the workers that share the port, replaces a worker that dies, and stops them all on
// SIGTERM/SIGINT. Every worker runs the outbox drain and the periodic jobs like any instance
// behind a load balancer (claims are SKIP LOCKED, leases and advisory locks: docs/deploy.md).

export type ClusterOptions = {
  workers: number;
  /** Set: start the embedded Meilisearch here, once, and give the workers its URL. Null: MEILI_URL is set. */
  embeddedMeiliDataDir: string | null;
  /** Runs once before any worker starts: open the database, migrate, print the setup link, close. */
  prepare: () => Promise<void>;
};

const STOP_GRACE_MS = 15_000;
const MEILI_CHECK_MS = 1_000;
/** A worker that dies sooner than this after its start is replaced after a pause, not at once. */
const EARLY_DEATH_MS = 10_000;
const RESPAWN_PAUSE_MS = 2_000;

export async function runClusterPrimary(o: ClusterOptions): Promise<void> {
  const log = (m: string) => console.log(`[cluster] ${m}`);
  let stopping = false;

  // The embedded engine on a port fixed now, so a restarted child keeps the URL the workers hold.
  const workerEnv: Record<string, string> = { ATRIUM_MIGRATE: "false" };
  let meili: MeilisearchProcess | null = null;
  let meiliTimer: NodeJS.Timeout | null = null;
  if (o.embeddedMeiliDataDir) {
    const dataDir = o.embeddedMeiliDataDir;
    const port = await findFreePort();
    workerEnv.MEILI_URL = `http://127.0.0.1:${port}`;
    workerEnv.MEILI_MASTER_KEY = await loadOrCreateMasterKey(await ensureMeiliRoot(dataDir));
    let starting = false;
    const ensureMeili = async () => {
      if (stopping || starting || meili?.running()) return;
      if (meili) console.error("[cluster] the Meilisearch child exited; restarting it");
      starting = true;
      try {
        meili = await startMeilisearch({ dataDir, port });
      } catch (err) {
        // the workers answer with search degraded meanwhile; retried every second
        console.error(`[cluster] Meilisearch did not start: ${(err as Error).message}`);
      } finally {
        starting = false;
      }
    };
    await ensureMeili();
    meiliTimer = setInterval(() => void ensureMeili(), MEILI_CHECK_MS);
  }

  try {
    await o.prepare();
  } catch (err) {
    console.error(`[cluster] ${(err as Error).message}; not starting the workers`);
    stopping = true;
    if (meiliTimer) clearInterval(meiliTimer);
    await (meili as MeilisearchProcess | null)?.stop().catch(() => {});
    process.exit(1);
  }

  const startedAt = new Map<number, number>();
  const fork = () => {
    const w = cluster.fork(workerEnv);
    startedAt.set(w.id, Date.now());
  };
  cluster.on("exit", (w: Worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(w.id) ?? 0);
    startedAt.delete(w.id);
    if (stopping) return;
    console.error(`[cluster] worker ${w.id} (pid ${w.process.pid}) exited (${signal ?? `code ${code}`}); starting another`);
    if (lived < EARLY_DEATH_MS) setTimeout(() => !stopping && fork(), RESPAWN_PAUSE_MS);
    else fork();
  });
  for (let i = 0; i < o.workers; i++) fork();
  log(`primary pid ${process.pid}: ${o.workers} workers`);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping ${Object.keys(cluster.workers ?? {}).length} workers`);
    if (meiliTimer) clearInterval(meiliTimer);
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      live.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill("SIGKILL"), STOP_GRACE_MS);
            w.once("exit", () => {
              clearTimeout(kill);
              resolve();
            });
            // each worker closes its server, its background loops and its database pool
            w.process.kill("SIGTERM");
          }),
      ),
    );
    await (meili as MeilisearchProcess | null)?.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

async function ensureMeiliRoot(dataDir: string): Promise<string> {
  const paths = meiliPaths(dataDir);
  await mkdir(paths.root, { recursive: true });
  return paths.masterKeyFile;
}
