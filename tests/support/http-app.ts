// The real HTTP stack (app/platform/server-app.server.ts: guards, caching, Remix's express adapter)
// over this checkout's own route modules, in this process and on its test database: no
// `remix build`, so it can never serve stale code. Documents render without client assets.
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ServerBuild } from "@remix-run/node";
import { flatRoutes } from "@remix-run/dev/dist/config/flat-routes.js";
import { createServerApp } from "../../app/platform/server-app.server";

export type AppServer = { origin: string; port: number; close: () => Promise<void> };

async function serverBuild(): Promise<ServerBuild> {
  const manifest = flatRoutes("app", ["**/.*", "**/*.test.{ts,tsx}"]);
  const entries = [{ id: "root", file: "root.tsx", path: "" } as { id: string; file: string; path?: string; index?: boolean; parentId?: string }, ...Object.values(manifest)];
  const routes: ServerBuild["routes"] = {};
  const assetRoutes: ServerBuild["assets"]["routes"] = {};
  for (const r of entries) {
    const module = await import(/* @vite-ignore */ `../../app/${r.file}`);
    routes[r.id] = { id: r.id, parentId: r.parentId, path: r.path, index: r.index, caseSensitive: false, module };
    assetRoutes[r.id] = {
      id: r.id,
      parentId: r.parentId,
      path: r.path,
      index: r.index,
      hasAction: !!module.action,
      hasLoader: !!module.loader,
      hasClientAction: false,
      hasClientLoader: false,
      hasErrorBoundary: !!module.ErrorBoundary,
      module: `/build/${r.id}.js`,
      imports: [],
    };
  }
  const entry = await import("../../app/entry.server");
  return {
    mode: "production",
    entry: { module: entry as unknown as ServerBuild["entry"]["module"] },
    routes,
    assets: { version: "test", url: "/build/manifest-test.js", entry: { module: "/build/entry.client.js", imports: [] }, routes: assetRoutes },
    publicPath: "/build/",
    assetsBuildDirectory: "public/build",
    future: { v3_fetcherPersist: true, v3_relativeSplatPath: true, v3_throwAbortReason: true, v3_lazyRouteDiscovery: true, v3_singleFetch: false } as ServerBuild["future"],
    isSpaMode: false,
  };
}

/** Starts the stack on a loopback port; its public origin is http://127.0.0.1:<port>. */
export async function startAppServer(opts: { publicDir?: string; trustedOrigins?: string[] } = {}): Promise<AppServer> {
  const build = await serverBuild();
  const server = http.createServer();
  server.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const publicDir = opts.publicDir ?? fs.mkdtempSync("/tmp/atrium-public-");
  const app = createServerApp({ build, mode: "production", publicDir, trustProxy: false, maxBodyBytes: 1_048_576, allowedOrigins: [origin, ...(opts.trustedOrigins ?? [])] });
  server.on("request", app);
  return {
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

/** One request with exactly these bytes in the path and headers (fetch would normalise them). */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: { Connection: "close", ...headers }, insecureHTTPParser: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on("error", reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}
