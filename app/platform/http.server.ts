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

/** Every state-changing request must come from our own origin (CSRF defence). */
export function originCheck(trusted: string[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE.has(req.method)) return next();
    const origin = req.headers.origin;
    const own = `${req.protocol}://${req.get("host")}`;
    if (!origin || (origin !== own && !trusted.includes(origin))) {
      return sendStatus(res, 403, "Cross-origin request refused.");
    }
    next();
  };
}

function sendStatus(res: Response, status: number, message: string) {
  res.status(status).type("text/plain; charset=utf-8").send(message);
}
