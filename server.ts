import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady, installGlobals } from "@remix-run/node";
import { boot, shutdownBackground } from "./app/boot.server";
import { closeDb } from "./app/db/client.server";
import { allowedOrigins, env, publicOrigin } from "./app/env.server";
import { createServerApp } from "./app/platform/server-app.server";
import { stopSearchService } from "./search/client";

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

const initialBuild = await loadBuild();
const app = createServerApp({
  build: isDev ? loadBuild : initialBuild,
  mode: initialBuild.mode,
  trustProxy: e.TRUST_PROXY,
  maxBodyBytes: e.MAX_BODY_BYTES,
  allowedOrigins: allowedOrigins(),
});

const publicUrl = e.PUBLIC_URL?.replace(/\/+$/, "") ?? publicOrigin();
try {
  await boot({ publicUrl });
} catch (err) {
  console.error(`Atrium could not start: ${(err as Error).message}`);
  process.exit(1);
}

const server = app.listen(e.PORT, () => {
  console.log(`Atrium is listening on ${publicUrl}`);
  if (isDev) void broadcastDevReady(initialBuild);
});

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
