import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady, installGlobals } from "@remix-run/node";
import type { RequestHandler } from "express";
import { afterListen, boot, shutdownBackground } from "./app/boot.server";
import { closeDb } from "./app/db/client.server";
import { allowedOrigins, env, publicOrigin } from "./app/env.server";
import { checkHealth } from "./app/platform/health.server";
import { createServerApp, remixHandler } from "./app/platform/server-app.server";
import { stopSearchService } from "./search/client";

// In production this file runs compiled (npm run build → build/server.js, npm start): no
// TypeScript compilation at start. Order: listen at once (/healthz answers "starting"), open
// and migrate the database while the Remix build loads, then serve pages; search, synonyms
// and the outbox catch-up start only after that.

const started = performance.now();
installGlobals({ nativeFetch: true });
// A local .env (see .env.example) fills in anything the environment does not set.
if (fs.existsSync(".env")) process.loadEnvFile(".env");

const e = env();
const BUILD_PATH = path.resolve("build/index.js");
const isDev = e.NODE_ENV === "development";

if (!fs.existsSync(BUILD_PATH)) {
  console.error(`No build at ${BUILD_PATH}. Run "npm run build" first (npm run demo does it for you).`);
  process.exit(1);
}

const loadBuild = async (): Promise<ServerBuild> => {
  const stamp = isDev ? `?t=${fs.statSync(BUILD_PATH).mtimeMs}` : "";
  return (await import(pathToFileURL(BUILD_PATH).href + stamp)) as ServerBuild;
};

let pages: RequestHandler | null = null;

// Health answers from the first moment, without Remix: 503 "starting" until pages are served.
const healthz: RequestHandler = (_req, res) => {
  void checkHealth().then(
    (h) => {
      const body = pages ? h : { ...h, status: "starting" };
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
});

const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, "") ?? publicOrigin();
const server = app.listen(e.PORT);

let initialBuild: ServerBuild;
try {
  [initialBuild] = await Promise.all([loadBuild(), boot({ publicUrl })]);
} catch (err) {
  console.error(`Atrium could not start: ${(err as Error).message}`);
  process.exit(1);
}
pages = remixHandler(isDev ? loadBuild : initialBuild, initialBuild.mode);
console.log(`Atrium is listening on ${publicUrl} (ready in ${((performance.now() - started) / 1000).toFixed(2)} s)`);
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
