// The production server (build/server.js) as a child process with its own data folder:
// for the fault test, the fault benchmark and the start-to-ready benchmark.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** Compiles build/server.js (always: it takes under a second) and the Remix build when missing. */
export function ensureServerBuild() {
  if (!fs.existsSync("build/index.js")) {
    const r = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], {
      stdio: "ignore",
      // under vitest NODE_ENV is "test", which would build dev JSX (jsxDEV is not a function)
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (r.status !== 0) throw new Error("remix build failed");
  }
  // Tests build this while another test's servers restart from it (chaos): build aside, then move each
  // file into place with one rename, chunks before server.js, so a starting server reads whole files.
  // beside build/ (same depth: the source maps' relative paths stay right)
  const aside = fs.mkdtempSync(".server-build-");
  try {
    const r = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-server.ts", "--outdir", aside], { stdio: "ignore" });
    if (r.status !== 0) throw new Error("server build failed");
    fs.mkdirSync("build/server-chunks", { recursive: true });
    for (const f of fs.readdirSync(path.join(aside, "server-chunks"))) fs.renameSync(path.join(aside, "server-chunks", f), path.join("build/server-chunks", f));
    for (const f of fs.readdirSync(aside).filter((f) => f.startsWith("server.js"))) fs.renameSync(path.join(aside, f), path.join("build", f));
  } finally {
    fs.rmSync(aside, { recursive: true, force: true });
  }
}

export type ServerChild = {
  proc: ChildProcess;
  base: string;
  dataDir: string;
  spawnedAt: number;
  output(): string;
  stop(): Promise<void>;
};

/**
 * Starts `node build/server.js`. `databaseUrl` null: the embedded PGlite in `dataDir`.
 * Meilisearch: the embedded child under `dataDir` (the defaults) unless `meiliUrl` is given.
 */
export function startServer(opts: { port: number; dataDir?: string; databaseUrl: string | null; meiliUrl?: string; meiliKey?: string; env?: Record<string, string>; nodeArgs?: string[] }): ServerChild {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "atrium-srv-"));
  const base = `http://127.0.0.1:${opts.port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", PORT: String(opts.port), ATRIUM_DATA_DIR: dataDir, PUBLIC_URL: base, ...opts.env };
  for (const k of ["ATRIUM_PGLITE_MEMORY", "DATABASE_URL", "MEILI_URL", "MEILI_MASTER_KEY", "MEILI_INDEX_PREFIX", "OUTBOX_BACKOFF_MS"]) delete env[k];
  if (opts.databaseUrl) env.DATABASE_URL = opts.databaseUrl;
  if (opts.meiliUrl) env.MEILI_URL = opts.meiliUrl;
  if (opts.meiliKey) env.MEILI_MASTER_KEY = opts.meiliKey;
  let output = "";
  const spawnedAt = performance.now();
  const proc = spawn(process.execPath, [...(opts.nodeArgs ?? []), "build/server.js"], { env, stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  return {
    proc,
    base,
    dataDir,
    spawnedAt,
    output: () => output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      await exited;
    },
  };
}

export async function waitFor(fn: () => Promise<boolean>, ms: number, what: string | (() => string), pollMs = 50) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new Error(`timed out waiting for ${typeof what === "function" ? what() : what}`);
}

/** The embedded Meilisearch the server started under its data folder. */
export function embeddedMeili(dataDir: string): { pid: number; url: string; key: string } {
  const root = path.join(dataDir, "meili");
  const rec = JSON.parse(fs.readFileSync(path.join(root, "server.json"), "utf8")) as { pid: number; url: string };
  return { pid: rec.pid, url: rec.url, key: fs.readFileSync(path.join(root, "master-key"), "utf8").trim() };
}

export function cookieFrom(res: Response) {
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

/** Creates the first administrator through the one-time setup link an empty database prints. */
export async function setupFirstAdmin(server: ServerChild, who = { email: "ada@fault.test", password: "a long enough password" }) {
  await waitFor(async () => /\/setup\?token=\w+/.test(server.output()), 30_000, "the setup link");
  const link = server.output().match(/(http\S+\/setup\?token=\w+)/)![1];
  const token = new URL(link).searchParams.get("token")!;
  const form = new URLSearchParams({ token, orgName: "Fault Bank", name: "Ada Admin", ...who });
  const res = await fetch(`${server.base}/setup?token=${token}`, { method: "POST", body: form, redirect: "manual", headers: { Origin: server.base } });
  if (res.status !== 302) throw new Error(`setup answered ${res.status}`);
  return who;
}

export async function signIn(base: string, email: string, password: string) {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    body: new URLSearchParams({ email, password, redirectTo: "/" }),
    redirect: "manual",
    headers: { Origin: base },
  });
  if (res.status !== 302) throw new Error(`sign-in answered ${res.status}`);
  return cookieFrom(res);
}

export const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

export function machineInfo() {
  const cpus = os.cpus();
  return { cpu: cpus[0]?.model ?? "unknown", cores: cpus.length, loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))), node: process.version };
}
