import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureServerBuild } from "../../scripts/lib/server-process";
import { findFreePort } from "../../search/process";

// Cluster mode (WEB_CONCURRENCY=2) of the production server: two worker processes answer on one
// port, the primary alone starts the embedded Meilisearch, a dead worker is replaced, SIGTERM stops
// every process. It needs PostgreSQL; with the embedded PGlite the server runs one process.

const usingPostgres = !!process.env.DATABASE_URL;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-cluster-"));
let server: ChildProcess;
let port = 0;
let output = "";

type Health = { status: string; search: string; pid: number };

/** /healthz on a new connection each time: the primary hands connections to the workers in turn. */
function healthz(): Promise<{ code: number; body: Health }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/healthz", agent: false, timeout: 5_000 }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => {
        try {
          resolve({ code: res.statusCode ?? 0, body: JSON.parse(text) as Health });
        } catch (e) {
          reject(e);
        }
      });
    });
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
  });
}

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the server said:\n${output}`);
}

/** The worker pids seen answering 200 with search ok, once `n` distinct ones have answered. */
async function workerPids(n: number, exclude: number[] = []): Promise<number[]> {
  const seen = new Set<number>();
  return waitFor(
    async () => {
      for (let i = 0; i < 4; i++) {
        const h = await healthz().catch(() => null);
        if (h?.code === 200 && h.body.search === "ok" && !exclude.includes(h.body.pid)) seen.add(h.body.pid);
      }
      return seen.size >= n ? [...seen] : null;
    },
    90_000,
    `${n} workers answering`,
  );
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function start(extraEnv: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(port), ATRIUM_DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}`, ...extraEnv };
  // the embedded Meilisearch: the primary must start it, once
  for (const k of ["ATRIUM_PGLITE_MEMORY", "MEILI_URL", "MEILI_MASTER_KEY", "MEILI_INDEX_PREFIX"]) delete env[k];
  if (!usingPostgres) delete env.DATABASE_URL;
  server = spawn(process.execPath, ["build/server.js"], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
}

beforeAll(async () => {
  ensureServerBuild();
  port = await findFreePort();
}, 90_000);

afterAll(async () => {
  if (server && server.exitCode === null && server.signalCode === null) {
    server.kill("SIGTERM");
    await new Promise((r) => server.once("exit", r));
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!usingPostgres)("WEB_CONCURRENCY=2 on PostgreSQL", () => {
  it("serves from two workers, replaces a dead one, starts Meilisearch once and stops everything on SIGTERM", async () => {
    start({ WEB_CONCURRENCY: "2" });
    const [a, b] = await workerPids(2);
    expect(a).not.toBe(b);
    expect([a, b]).not.toContain(server.pid);
    // each worker applies the heap growth policy itself (HEAP_GROWING_PERCENT's default)
    expect(output.match(/\(worker \d+, pid \d+\) \(ready in [\d.]+ s; heap growth: 50 % over the live heap/g)?.length).toBeGreaterThanOrEqual(2);
    // one engine, started by the primary; the workers only hold its URL
    const meili = JSON.parse(fs.readFileSync(path.join(dataDir, "meili", "server.json"), "utf8")) as { pid: number; parentPid: number };
    expect(meili.parentPid).toBe(server.pid);
    const cmdline = (pid: string) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      } catch {
        return ""; // exited meanwhile
      }
    };
    const engines = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && cmdline(p).includes(path.join(dataDir, "meili")));
    expect(engines).toEqual([String(meili.pid)]);

    // a worker that dies is replaced; the other keeps answering meanwhile
    process.kill(a, "SIGKILL");
    const [c, d] = await workerPids(2, [a]);
    expect([c, d]).toContain(b);
    expect(output).toMatch(/worker \d+ \(pid \d+\) exited \(SIGKILL\); starting another/);
    const replacement = c === b ? d : c;

    server.kill("SIGTERM");
    const code = await new Promise<number | null>((r) => server.once("exit", (c) => r(c)));
    expect(code).toBe(0);
    expect([b, replacement, meili.pid].filter(alive)).toEqual([]);
  }, 150_000);
});

describe.skipIf(usingPostgres)("WEB_CONCURRENCY=2 on the embedded PGlite", () => {
  it("runs one process and says why", async () => {
    start({ WEB_CONCURRENCY: "2" });
    const { body } = await waitFor(async () => {
      const h = await healthz();
      return h.code === 200 ? h : null;
    }, 90_000, "the server");
    expect(body.pid).toBe(server.pid);
    expect(output).toContain("WEB_CONCURRENCY=2 needs DATABASE_URL (PostgreSQL)");
    expect(output).toContain("heap growth: 50 % over the live heap (HEAP_GROWING_PERCENT)");
    server.kill("SIGTERM");
    expect(await new Promise((r) => server.once("exit", (c) => r(c)))).toBe(0);
  }, 120_000);
});
