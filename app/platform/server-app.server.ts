import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { bodyLimit, originCheck, privateByDefault, securityHeaders } from "./http.server";

export type ServerAppOptions = {
  build: ServerBuild | (() => Promise<ServerBuild>);
  mode: string;
  /** Folder of static files; `<publicDir>/build` holds the fingerprinted assets. */
  publicDir?: string;
  trustProxy: boolean;
  maxBodyBytes: number;
  allowedOrigins: string[];
};

/** The HTTP stack in front of Remix, in order; server.ts runs it and tests start it as is. */
export function createServerApp(o: ServerAppOptions) {
  const publicDir = o.publicDir ?? "public";
  const app = express();
  app.disable("x-powered-by");
  if (o.trustProxy) app.set("trust proxy", true);
  app.use(securityHeaders);
  // Fingerprinted assets never change: cached for a year. Everything else is private (below).
  app.use("/build", express.static(`${publicDir}/build`, { immutable: true, maxAge: "1y" }));
  app.use(express.static(publicDir, { maxAge: "1h" }));
  app.use(privateByDefault);
  app.use(bodyLimit(o.maxBodyBytes));
  app.use(originCheck(o.allowedOrigins));
  app.all(
    "*",
    createRequestHandler({
      build: o.build,
      mode: o.mode,
      getLoadContext: (req) => ({ clientIp: req.ip ?? req.socket.remoteAddress ?? "" }),
    }),
  );
  return app;
}
