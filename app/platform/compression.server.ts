import zlib from "node:zlib";
import type { RequestHandler, Response } from "express";

// Compresses text responses (HTML, JS, CSS, JSON, SVG) with brotli or gzip, as the browser
// asks. A small middleware over node:zlib instead of a dependency: it wraps the response's
// writeHead/write/end, decides once the status and headers are known, and flushes after each
// burst of writes so a streamed page still reaches the browser as it renders.

const COMPRESSIBLE = /^\s*(text\/|application\/(javascript|json|xml|x-javascript|manifest\+json)|image\/svg\+xml)/i;
/** Below this the headers and framing cost more than compression saves. */
export const MIN_COMPRESS_BYTES = 1024;

export type Encoding = "br" | "gzip";

/** The best encoding the Accept-Encoding header allows (q > 0): brotli before gzip; null for none. */
export function negotiateEncoding(header: string | undefined): Encoding | null {
  if (!header) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const star = q.get("*");
  const allowed = (name: Encoding) => (q.get(name) ?? star ?? 0) > 0;
  if (allowed("br")) return "br";
  if (allowed("gzip")) return "gzip";
  return null;
}

function createEncoder(encoding: Encoding, sizeHint: number | undefined) {
  if (encoding === "br") {
    // quality 4, as CDNs compress dynamic pages: the 110 KB home page in 1.15 ms to 9.5 KB, where
    // quality 5 took 1.78 ms for 9.0 KB (this machine) — CPU is what limits a page, not 0.5 KB
    const params: Record<number, number> = { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 };
    if (sizeHint) params[zlib.constants.BROTLI_PARAM_SIZE_HINT] = sizeHint;
    return zlib.createBrotliCompress({ params });
  }
  return zlib.createGzip({ level: 6 });
}

type Chunk = string | Buffer | Uint8Array;
type Callback = (error?: Error | null) => void;

export function compression(): RequestHandler {
  return (req, res, next) => {
    const accepted = req.method === "HEAD" ? null : negotiateEncoding(req.headers["accept-encoding"]);
    const original = {
      writeHead: res.writeHead.bind(res) as (status: number, reason?: string) => Response,
      write: res.write.bind(res) as (chunk: Chunk, ...rest: unknown[]) => boolean,
      end: res.end.bind(res) as (...args: unknown[]) => Response,
    };
    let decided = false;
    let encoder: zlib.BrotliCompress | zlib.Gzip | null = null;
    let flushQueued = false;

    /** Called once, just before the headers go out; `endBytes` is the whole body when end() came first. */
    const decide = (endBytes?: number) => {
      if (decided) return;
      decided = true;
      const type = String(res.getHeader("Content-Type") ?? "");
      // an event stream must reach the browser event by event, untouched
      if (!COMPRESSIBLE.test(type) || /^\s*text\/event-stream/i.test(type)) return;
      res.vary("Accept-Encoding");
      if (!accepted || req.headers.range) return;
      if (res.statusCode < 200 || res.statusCode === 204 || res.statusCode === 304) return;
      if (res.getHeader("Content-Encoding")) return;
      if (/\bno-transform\b/i.test(String(res.getHeader("Cache-Control") ?? ""))) return;
      const declared = res.getHeader("Content-Length");
      const size = declared !== undefined ? Number(declared) : endBytes;
      if (size !== undefined && size < MIN_COMPRESS_BYTES) return;
      res.setHeader("Content-Encoding", accepted);
      res.removeHeader("Content-Length");
      res.removeHeader("Accept-Ranges"); // ranges of the compressed stream are not offered
      // the bytes differ from the identity ones: a strong validator would be wrong
      const etag = res.getHeader("ETag");
      if (typeof etag === "string" && !etag.startsWith("W/")) res.setHeader("ETag", `W/${etag}`);
      encoder = createEncoder(accepted, size);
      encoder.on("data", (chunk: Buffer) => {
        if (!original.write(chunk)) encoder?.pause();
      });
      encoder.on("end", () => original.end());
      encoder.on("error", (err) => res.destroy(err));
      res.on("drain", () => encoder?.resume());
    };

    const queueFlush = () => {
      if (flushQueued) return;
      flushQueued = true;
      setImmediate(() => {
        flushQueued = false;
        if (encoder && !encoder.writableEnded) encoder.flush();
      });
    };

    const byteLength = (chunk: Chunk | undefined, enc?: BufferEncoding) =>
      chunk === undefined ? 0 : typeof chunk === "string" ? Buffer.byteLength(chunk, enc) : chunk.byteLength;

    res.writeHead = function (this: Response, ...args: Parameters<Response["writeHead"]>) {
      const [status, ...rest] = args as [number, ...unknown[]];
      res.statusCode = status;
      const headers = rest.find((a) => a && typeof a === "object" && !Array.isArray(a)) as Record<string, string | number | string[]> | undefined;
      if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
      const reason = rest.find((a) => typeof a === "string") as string | undefined;
      decide();
      return reason !== undefined ? original.writeHead(status, reason) : original.writeHead(status);
    } as Response["writeHead"];

    res.write = function (this: Response, chunk: Chunk, encOrCb?: BufferEncoding | Callback, cb?: Callback) {
      if (!res.headersSent) decide();
      if (!encoder) return original.write(chunk, encOrCb, cb);
      const enc = typeof encOrCb === "string" ? encOrCb : undefined;
      const done = typeof encOrCb === "function" ? encOrCb : cb;
      encoder.write(typeof chunk === "string" ? Buffer.from(chunk, enc) : chunk, done);
      queueFlush();
      return true;
    } as Response["write"];

    res.end = function (this: Response, chunk?: Chunk | Callback, encOrCb?: BufferEncoding | Callback, cb?: Callback) {
      if (typeof chunk === "function") {
        cb = chunk;
        chunk = undefined;
      } else if (typeof encOrCb === "function") {
        cb = encOrCb;
        encOrCb = undefined;
      }
      const enc = encOrCb as BufferEncoding | undefined;
      if (!res.headersSent) decide(byteLength(chunk, enc));
      if (!encoder) return original.end(chunk, enc, cb);
      if (cb) res.once("finish", () => cb!());
      if (chunk !== undefined) encoder.write(typeof chunk === "string" ? Buffer.from(chunk, enc) : chunk);
      encoder.end();
      return res;
    } as Response["end"];

    next();
  };
}
