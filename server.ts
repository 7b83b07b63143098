import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { broadcastDevReady, installGlobals } from "@remix-run/node";
import express from "express";
import { boot, shutdownBackground } from "./app/boot.server";
import { closeDb } from "./app/db/client.server";
import { env } from "./app/env.server";
import { bodyLimit, originCheck, securityHeaders } from "./app/platform/http.server";
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

const app = express();
app.disable("x-powered-by");
if (e.TRUST_PROXY) app.set("trust proxy", true);
app.use(securityHeaders);
app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
app.use(express.static("public", { maxAge: "1h" }));
app.use(bodyLimit(e.MAX_BODY_BYTES));
app.use(originCheck(e.TRUSTED_ORIGINS.split(",").map((s) => s.trim()).filter(Boolean)));

const initialBuild = await loadBuild();
app.all(
  "*",
  createRequestHandler({
    build: isDev ? loadBuild : initialBuild,
    mode: initialBuild.mode,
    getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "" }),
  }),
);

const publicUrl = process.env.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
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
