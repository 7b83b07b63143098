import type { NextFunction, Request, Response } from "express";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function securityHeaders(_req: Request, res: Response, next: NextFunction) {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  next();
}

/** Refuses bodies over the limit with 413 before anything reads them. */
export function bodyLimit(maxBytes: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const declared = req.headers["content-length"];
    if (declared !== undefined) {
      if (Number(declared) > maxBytes) return sendStatus(res, 413, "Request body too large.");
      return next();
    }
    // No declared length (chunked): we cannot bound it up front, so ask for one.
    if (req.headers["transfer-encoding"]) return sendStatus(res, 411, "Content-Length required.");
    next();
  };
}

/**
 * Every state-changing request must come from an allowed origin (CSRF defence): the configured
 * public origin and TRUSTED_ORIGINS (env.server.ts `allowedOrigins`), never the Host header.
 */
export function originCheck(allowed: string[]) {
  const origins = new Set(allowed);
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    if (bearerOnly(req)) return next();
    const origin = req.headers.origin;
    if (!origin || !origins.has(origin)) return sendStatus(res, 403, "Cross-origin request refused.");
    next();
  };
}

/**
 * The REST API and SCIM authenticate by bearer token only and never read the session cookie, so a
 * cross-site page cannot ride on the browser's credentials there: servers calling them send no Origin.
 */
function bearerOnly(req: Request) {
  return /^\/(api\/v1|scim\/v2)\//.test(req.path) && /^Bearer\s/i.test(req.headers.authorization ?? "");
}

export const PRIVATE_NO_STORE = "private, no-store";

/**
 * Dynamic responses stay out of shared caches and history: every page may be someone's signed-in
 * view. Mounted after the static handlers, so assets keep their own long caching. A response that
 * sets or clears a cookie is never cacheable, whatever the route said.
 */
export function privateByDefault(_req: Request, res: Response, next: NextFunction) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
    const current = String(res.getHeader("Cache-Control") ?? "");
    if (!current || (res.getHeader("Set-Cookie") !== undefined && !/no-store/.test(current))) {
      res.setHeader("Cache-Control", PRIVATE_NO_STORE);
    }
    return writeHead.apply(this, args);
  } as Response["writeHead"];
  next();
}

function sendStatus(res: Response, status: number, message: string) {
  res.status(status).type("text/plain; charset=utf-8").send(message);
}
