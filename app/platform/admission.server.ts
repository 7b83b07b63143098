import type { RequestHandler } from "express";

export type AdmissionOptions = {
  /** Requests whose loaders, actions or render may run at once; 0: no limit. */
  concurrency: number;
  /** How long a request may wait for its turn before it is answered 503 (load shedding). */
  queueTimeoutMs: number;
  /** Waiting requests beyond which new ones are answered 503 at once. */
  maxQueue: number;
};

/**
 * Admission control: at most `concurrency` reads (GET, HEAD) are being worked on at once; the others wait
 * in arrival order. On a 2-core machine a page is CPU-bound (its render) with a few waits on
 * PostgreSQL, so a handful in flight keeps the cores busy; fifty started together only hold fifty
 * pages' loader data and half-rendered HTML in memory at once (RSS +110 MB at 50 connections) and
 * finish together, late. A turn ends when the response's headers go out (a page is one buffer; an
 * export or a stream holds no turn while its body flows), or when the client goes away.
 */
export function admission(o: AdmissionOptions): RequestHandler & { stats: () => { running: number; waiting: number } } {
  let running = 0;
  const waiting: { admit: () => void; timer: ReturnType<typeof setTimeout> }[] = [];
  const next = () => {
    while (running < o.concurrency && waiting.length) {
      const w = waiting.shift()!;
      clearTimeout(w.timer);
      w.admit();
    }
  };
  const handler: RequestHandler = (req, res, proceed) => {
    // Reads only: a write's body may arrive slowly, and a turn held while it does would let a few
    // slow senders stall every page. Writes are few and go straight through.
    if (o.concurrency <= 0 || (req.method !== "GET" && req.method !== "HEAD")) return proceed();
    const admit = () => {
      running++;
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        running--;
        next();
      };
      const writeHead = res.writeHead;
      res.writeHead = function (this: typeof res, ...args: Parameters<typeof res.writeHead>) {
        release();
        return writeHead.apply(this, args);
      } as typeof res.writeHead;
      res.once("finish", release);
      res.once("close", release);
      proceed();
    };
    if (running < o.concurrency) return admit();
    if (waiting.length >= o.maxQueue) return busy(res);
    const entry = {
      admit,
      timer: setTimeout(() => {
        const i = waiting.indexOf(entry);
        if (i >= 0) waiting.splice(i, 1);
        busy(res);
      }, o.queueTimeoutMs),
    };
    waiting.push(entry);
    // a client that leaves while waiting gives its place up
    res.once("close", () => {
      const i = waiting.indexOf(entry);
      if (i >= 0) (waiting.splice(i, 1), clearTimeout(entry.timer));
    });
  };
  return Object.assign(handler, { stats: () => ({ running, waiting: waiting.length }) });
}

function busy(res: Parameters<RequestHandler>[1]) {
  if (res.headersSent || res.destroyed) return;
  res.status(503).set("Retry-After", "2").set("Cache-Control", "no-store").type("text/plain").send("Atrium is busy: try again in a moment.");
}
