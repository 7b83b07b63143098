// Admission control in front of Remix (app/platform/admission.server.ts): at most N requests are
// worked on at once, the rest wait in arrival order; a turn ends when the response's headers go
// out; a request that waits too long, or finds the queue full, is answered 503 with Retry-After.
import type { AddressInfo } from "node:net";
import type http from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { admission, type AdmissionOptions } from "../../app/platform/admission.server";

type Gate = { started: string[]; release: (name: string) => void; active: () => number; peak: () => number };

/** A server whose `/work/:name` requests hold their turn until the test releases them by name. */
async function serve(o: AdmissionOptions) {
  const gates = new Map<string, () => void>();
  const started: string[] = [];
  let active = 0;
  let peak = 0;
  const limiter = admission(o);
  const app = express();
  app.use(limiter);
  app.all("/work/:name", (req, res) => {
    started.push(req.params.name);
    active++;
    peak = Math.max(peak, active);
    gates.set(req.params.name, () => {
      active--;
      res.type("text/plain").send(`done ${req.params.name}`);
    });
  });
  // a stream: headers first, then a body that flows while other requests are admitted
  app.get("/stream", (_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.write("first part\n");
    gates.set("stream", () => res.end("last part\n"));
  });
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  servers.push(server);
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const gate: Gate = {
    started,
    release: (name) => {
      const g = gates.get(name);
      if (!g) throw new Error(`${name} has not started`);
      gates.delete(name);
      g();
    },
    active: () => active,
    peak: () => peak,
  };
  return { base, gate, limiter };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => (s.closeAllConnections(), s.close(r)));
});

/** Resolves when `check` holds (event-driven code: poll the next turns, no fixed sleep). */
async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("admission control", () => {
  it("works on at most N requests at once and admits the others in arrival order", async () => {
    const { base, gate, limiter } = await serve({ concurrency: 2, queueTimeoutMs: 10_000, maxQueue: 100 });
    const names = ["a", "b", "c", "d", "e"];
    const responses: Promise<string>[] = [];
    for (const n of names) {
      responses.push(fetch(`${base}/work/${n}`).then((r) => r.text()));
      // arrival order is the order the server sees them
      await until(() => limiter.stats().running + limiter.stats().waiting === responses.length, `${n} to arrive`);
    }
    expect(gate.started).toEqual(["a", "b"]);
    expect(limiter.stats()).toEqual({ running: 2, waiting: 3 });
    gate.release("b");
    await until(() => gate.started.length === 3, "c to start");
    expect(gate.started).toEqual(["a", "b", "c"]);
    for (const n of ["a", "c", "d", "e"]) {
      await until(() => gate.started.includes(n), `${n} to start`);
      gate.release(n);
    }
    expect(await Promise.all(responses)).toEqual(names.map((n) => `done ${n}`));
    expect(gate.peak()).toBe(2);
    expect(limiter.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("ends a turn when the headers go out, so a long body does not hold it", async () => {
    const { base, gate, limiter } = await serve({ concurrency: 1, queueTimeoutMs: 10_000, maxQueue: 100 });
    const stream = await fetch(`${base}/stream`);
    expect(stream.status).toBe(200);
    expect(limiter.stats().running).toBe(0);
    const page = fetch(`${base}/work/x`).then((r) => r.text());
    await until(() => gate.started.includes("x"), "x to start while the stream is still open");
    gate.release("x");
    expect(await page).toBe("done x");
    gate.release("stream");
    expect(await stream.text()).toBe("first part\nlast part\n");
  });

  it("answers 503 with Retry-After when a request waits too long or finds the queue full, and never starts its work", async () => {
    const { base, gate, limiter } = await serve({ concurrency: 1, queueTimeoutMs: 150, maxQueue: 1 });
    const first = fetch(`${base}/work/first`).then((r) => r.text());
    await until(() => gate.started.includes("first"), "first to start");
    const waiting = fetch(`${base}/work/waiting`);
    await until(() => limiter.stats().waiting === 1, "the second to queue");
    const full = await fetch(`${base}/work/full`);
    expect(full.status).toBe(503);
    expect(full.headers.get("retry-after")).toBe("2");
    expect(await full.text()).toMatch(/busy/);
    const late = await waiting;
    expect(late.status).toBe(503);
    expect(gate.started).toEqual(["first"]);
    gate.release("first");
    expect(await first).toBe("done first");
    expect(limiter.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it("gives up the place of a client that leaves while waiting", async () => {
    const { base, gate, limiter } = await serve({ concurrency: 1, queueTimeoutMs: 10_000, maxQueue: 100 });
    const first = fetch(`${base}/work/first`).then((r) => r.text());
    await until(() => gate.started.includes("first"), "first to start");
    const abort = new AbortController();
    const gone = fetch(`${base}/work/gone`, { signal: abort.signal }).catch((e: Error) => e.name);
    await until(() => limiter.stats().waiting === 1, "the second to queue");
    abort.abort();
    expect(await gone).toBe("AbortError");
    await until(() => limiter.stats().waiting === 0, "the place to be given up");
    const third = fetch(`${base}/work/third`).then((r) => r.text());
    await until(() => limiter.stats().waiting === 1, "the third to queue");
    gate.release("first");
    await until(() => gate.started.includes("third"), "third to start");
    expect(gate.started).toEqual(["first", "third"]);
    gate.release("third");
    expect(await third).toBe("done third");
    expect(await first).toBe("done first");
  });

  it("lets writes through without a turn (their bodies may arrive slowly)", async () => {
    const { base, gate, limiter } = await serve({ concurrency: 1, queueTimeoutMs: 10_000, maxQueue: 100 });
    const read = fetch(`${base}/work/read`).then((r) => r.text());
    await until(() => gate.started.includes("read"), "the read to start");
    const write = fetch(`${base}/work/write`, { method: "POST", body: "x=1" }).then((r) => r.text());
    await until(() => gate.started.includes("write"), "the write to start beside the read");
    expect(limiter.stats()).toEqual({ running: 1, waiting: 0 });
    gate.release("write");
    gate.release("read");
    expect([await read, await write]).toEqual(["done read", "done write"]);
  });

  it("lets everything through with concurrency 0", async () => {
    const { base, gate } = await serve({ concurrency: 0, queueTimeoutMs: 10, maxQueue: 0 });
    const all = ["a", "b", "c"].map((n) => fetch(`${base}/work/${n}`).then((r) => r.text()));
    await until(() => gate.started.length === 3, "all three to start");
    for (const n of ["a", "b", "c"]) gate.release(n);
    expect(await Promise.all(all)).toEqual(["done a", "done b", "done c"]);
    expect(gate.peak()).toBe(3);
  });
});
