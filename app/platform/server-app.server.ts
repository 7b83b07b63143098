import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import fs from "node:fs";
import path from "node:path";
import express, { type RequestHandler } from "express";
import { admission, type AdmissionOptions } from "./admission.server";
import { compression } from "./compression.server";
import { beginForeground } from "~/db/priority.server";
import { bodyLimit, originCheck, privateByDefault, securityHeaders } from "./http.server";
import { runInRequestScope } from "./request-scope.server";

export type ServerAppOptions = {
  /** The Remix handler: a build (tests), or a getter that answers 503 "starting" until the server is ready. */
  build?: ServerBuild | (() => Promise<ServerBuild>);
  mode?: string;
  pages?: () => RequestHandler | null;
  /** Answers /healthz before Remix, from the first moment the process listens. */
  healthz?: RequestHandler;
  /** Folder of static files; `<publicDir>/build` holds the fingerprinted assets. */
  publicDir?: string;
  trustProxy: boolean;
  maxBodyBytes: number;
  allowedOrigins: string[];
  /** Admission control for what reaches Remix (app/platform/admission.server.ts); none when absent. */
  admission?: AdmissionOptions;
};

/** The HTTP stack in front of Remix, in order; server.ts runs it and tests start it as is. */
export function createServerApp(o: ServerAppOptions) {
  const publicDir = o.publicDir ?? "public";
  const app = express();
  app.disable("x-powered-by");
  if (o.trustProxy) app.set("trust proxy", true);
  app.use(securityHeaders);
  // brotli or gzip for HTML, JS, CSS and JSON, static files and pages alike
  app.use(compression());
  if (o.healthz) app.get("/healthz", o.healthz);
  // Fingerprinted assets never change: cached for a year. Everything else is private (below).
  app.use("/build", express.static(`${publicDir}/build`, { immutable: true, maxAge: "1y" }));
  // Other public files (robots.txt, icons) are known at start: a page request is not probed on disk
  // for a file of its name (a stat on every page, and for "/" an index.html).
  const publicFiles = topPublicFiles(publicDir);
  if (publicFiles.size) {
    const serveFile = express.static(publicDir, { maxAge: "1h", index: false });
    app.use((req, res, next) => (publicFiles.has(req.path) ? serveFile(req, res, next) : next()));
  }
  app.use(privateByDefault);
  app.use(bodyLimit(o.maxBodyBytes));
  app.use(originCheck(o.allowedOrigins));
  if (o.admission) app.use(admission(o.admission));
  // pages in flight hold background work back (app/db/priority.server.ts)
  app.use((_req, res, next) => {
    const end = beginForeground();
    res.once("finish", end);
    res.once("close", end);
    next();
  });
  const fixed = o.build ? remixHandler(o.build, o.mode ?? "production") : null;
  app.all("*", (req, res, next) => {
    const pages = fixed ?? o.pages?.() ?? null;
    if (pages) return pages(req, res, next);
    res.status(503).set("Retry-After", "1").type("text/plain").send("Atrium is starting");
  });
  return app;
}

/** The public folder's files outside build/, as URL paths ("/robots.txt", "/icons/a.png"). */
export function topPublicFiles(publicDir: string): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string, prefix: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // no public folder
    }
    for (const e of entries) {
      if (prefix === "" && e.name === "build") continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), `${prefix}/${e.name}`);
      else if (e.isFile()) files.add(`${prefix}/${e.name}`);
    }
  };
  walk(publicDir, "");
  return files;
}

export function remixHandler(build: ServerBuild | (() => Promise<ServerBuild>), mode: string): RequestHandler {
  const handler = createRequestHandler({
    build,
    mode,
    getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "" }),
  });
  // one scope per read request: the root's and the page's loaders share the session and viewer
  return (req, res, next) => runInRequestScope(req.method, () => handler(req, res, next));
}
