import { fork } from "node:child_process";
import cluster from "node:cluster";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady, installGlobals } from "@remix-run/node";
import type { RequestHandler } from "express";
import { allowedOrigins, dataDir, env, publicOrigin, webConcurrency } from "./app/env.server";
import { runClusterPrimary } from "./app/platform/cluster.server";
import { applyHeapPolicy } from "./app/platform/heap-policy.server";

// In production this file runs compiled (npm run build → build/server.js, npm start): no
// TypeScript compilation at start. Order: listen at once (/healthz answers "starting"), open
// and migrate the database while the Remix build loads, then serve pages; search, synonyms
// and the outbox catch-up start only after that.

const started = performance.now();
installGlobals({ nativeFetch: true });
// A local .env (see .env.example) fills in anything the environment does not set.
if (fs.existsSync(".env")) process.loadEnvFile(".env");

const e = env();
// before the Remix build loads: the heap's growth policy (app/platform/heap-policy.server.ts)
const heap = applyHeapPolicy(e.HEAP_GROWING_PERCENT);
const BUILD_PATH = path.resolve("build/index.js");
const isDev = e.NODE_ENV === "development";

if (!fs.existsSync(BUILD_PATH)) {
  console.error(`No build at ${BUILD_PATH}. Run "npm run build" first (npm run demo does it for you).`);
  process.exit(1);
}

// Cluster mode (WEB_CONCURRENCY > 1, app/platform/cluster.server.ts): this process becomes the
// primary and forks the workers; each worker runs serve() below.
const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, "") ?? publicOrigin();
const PREPARE_FLAG = "--cluster-prepare";
if (process.argv.includes(PREPARE_FLAG)) {
  // cluster mode's one-time start-up work, before any worker starts: migrate, print the setup link
  const { getDbHandle, closeDb } = await import("./app/db/client.server");
  const { issueSetupToken } = await import("./app/identity/accounts.server");
  try {
    await getDbHandle();
    const token = await issueSetupToken();
    if (token) console.log(`\nNo users yet. Create the first administrator (one-time link):\n  ${publicUrl}/setup?token=${token}\n`);
    await closeDb();
    process.exit(0);
  } catch (err) {
    console.error(`Atrium could not start: ${(err as Error).message}`);
    process.exit(1);
  }
}
let processes = isDev ? 1 : webConcurrency();
if (processes > 1 && !e.DATABASE_URL) {
  console.warn(
    `WEB_CONCURRENCY=${e.WEB_CONCURRENCY} needs DATABASE_URL (PostgreSQL): the embedded PGlite database opens in one process only. Running one process.`,
  );
  processes = 1;
}
if (cluster.isPrimary && processes > 1) {
  await runClusterPrimary({
    workers: processes,
    embeddedMeiliDataDir: e.MEILI_URL ? null : dataDir(),
    // in a short-lived child: the primary never loads the app, so it stays small
    prepare: () => runChild([PREPARE_FLAG]),
  });
} else {
  await serve();
}

function runChild(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(process.argv[1], args, { stdio: "inherit" });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`start-up task exited with code ${code}`))));
  });
}

async function serve() {
  const { afterListen, boot, shutdownBackground } = await import("./app/boot.server");
  const { closeDb } = await import("./app/db/client.server");
  const { checkHealth } = await import("./app/platform/health.server");
  const { createServerApp, remixHandler } = await import("./app/platform/server-app.server");
  const { stopSearchService } = await import("./search/client");
  const loadBuild = async (): Promise<ServerBuild> => {
    const stamp = isDev ? `?t=${fs.statSync(BUILD_PATH).mtimeMs}` : "";
    return (await import(pathToFileURL(BUILD_PATH).href + stamp)) as ServerBuild;
  };

  let pages: RequestHandler | null = null;

  // Health answers from the first moment, without Remix: 503 "starting" until pages are served.
  const healthz: RequestHandler = (_req, res) => {
    void checkHealth().then(
      (h) => {
        // pid: which process answered (in cluster mode, one of the workers)
        const body = { ...h, ...(pages ? {} : { status: "starting" }), pid: process.pid };
        res.status(pages && h.db === "ok" ? 200 : 503).set("Cache-Control", "no-store").json(body);
      },
      (err: Error) => res.status(503).set("Cache-Control", "no-store").json({ status: "down", error: err.message }),
    );
  };
  const app = createServerApp({
    pages: () => pages,
    healthz,
    trustProxy: e.TRUST_PROXY,
    maxBodyBytes: e.MAX_BODY_BYTES,
    allowedOrigins: allowedOrigins(),
    admission: { concurrency: e.MAX_CONCURRENT_REQUESTS, queueTimeoutMs: 30_000, maxQueue: 2_000 },
  });

  const server = app.listen(e.PORT);

  let initialBuild: ServerBuild;
  try {
    [initialBuild] = await Promise.all([loadBuild(), boot({ publicUrl, setupLink: !cluster.isWorker })]);
  } catch (err) {
    console.error(`Atrium could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  pages = remixHandler(isDev ? loadBuild : initialBuild, initialBuild.mode);
  const who = cluster.isWorker ? ` (worker ${cluster.worker?.id}, pid ${process.pid})` : "";
  console.log(`Atrium is listening on ${publicUrl}${who} (ready in ${((performance.now() - started) / 1000).toFixed(2)} s; heap growth: ${heap.note})`);
  if (isDev) void broadcastDevReady(initialBuild);
  afterListen();

  let stopping = false;
  async function shutdown(signal: string) {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close();
    server.closeAllConnections?.();
    await shutdownBackground().catch(() => {});
    await stopSearchService().catch(() => {});
    await closeDb().catch(() => {});
    process.exit(0);
  }
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
