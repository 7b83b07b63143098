import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeOrg, makeUser, TEST_PASSWORD } from "../../scripts/lib/factories";
import { testMeili } from "../../scripts/lib/meili";

// The production server (built app, `server.ts`) against an external Meilisearch and,
// when TEST_DATABASE_URL is set (CI), a real PostgreSQL server; otherwise its own
// embedded database, created through the one-time setup link.

const meili = testMeili();
let server: ChildProcess;
let base = "";
let output = "";
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-ext-"));
const usingPostgres = () => !!process.env.DATABASE_URL;

async function waitFor(fn: () => Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out; server said:\n${output}`);
}

function cookieFrom(res: Response) {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0];
}

beforeAll(async () => {
  if (!fs.existsSync("build/index.js")) {
    // NODE_ENV=production: under vitest it is "test", which builds dev JSX (jsxDEV is not a function)
    const r = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "ignore", env: { ...process.env, NODE_ENV: "production" } });
    if (r.status !== 0) throw new Error("remix build failed");
  }
  await meili.start();
  const port = 3400 + Number(process.env.VITEST_POOL_ID ?? 1);
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    ATRIUM_DATA_DIR: dataDir,
    MEILI_URL: process.env.MEILI_URL,
    MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY,
    PUBLIC_URL: base,
  };
  delete env.ATRIUM_PGLITE_MEMORY;
  if (!usingPostgres()) delete env.DATABASE_URL;
  server = spawn(process.execPath, ["--import", "tsx", "server.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200);
}, 90_000);

afterAll(async () => {
  server?.kill("SIGTERM");
  await new Promise((r) => server?.once("exit", r));
  await meili.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe(`production server against ${usingPostgres() ? "PostgreSQL" : "embedded PGlite"} and an external Meilisearch`, () => {
  it("reports db ok and search ok", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: "ok", search: "ok" });
  });

  it("signs a person in and serves the feed", async () => {
    let email: string;
    let password: string;
    if (usingPostgres()) {
      const org = await makeOrg("External Bank");
      const u = await makeUser(org.id, { name: "Erin External" });
      email = u.email;
      password = TEST_PASSWORD;
    } else {
      // an empty embedded database prints the one-time setup link
      await waitFor(async () => /\/setup\?token=\w+/.test(output));
      const link = output.match(/(http\S+\/setup\?token=\w+)/)![1];
      expect((await fetch(link)).status).toBe(200);
      email = "erin@external.test";
      password = "a long enough password";
      const token = new URL(link).searchParams.get("token")!;
      const form = new URLSearchParams({ token, orgName: "External Bank", name: "Erin External", email, password });
      const res = await fetch(link, { method: "POST", body: form, redirect: "manual", headers: { Origin: base } });
      expect(res.status).toBe(302);
      // the link works once
      expect((await fetch(link)).status).toBe(404);
    }
    const login = await fetch(`${base}/login`, {
      method: "POST",
      body: new URLSearchParams({ email, password, redirectTo: "/" }),
      redirect: "manual",
      headers: { Origin: base },
    });
    expect(login.status).toBe(302);
    const cookie = cookieFrom(login);
    expect(cookie).toMatch(/^atrium_session=/);
    const feed = await fetch(`${base}/`, { headers: { Cookie: cookie } });
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain("Erin External");
  });

  it("refuses a cross-origin POST and an oversized body", async () => {
    const evil = await fetch(`${base}/login`, { method: "POST", body: "email=a", headers: { Origin: "https://evil.example", "Content-Type": "application/x-www-form-urlencoded" } });
    expect(evil.status).toBe(403);
    const big = await fetch(`${base}/login`, { method: "POST", body: "x".repeat(2_000_000), headers: { Origin: base, "Content-Type": "application/x-www-form-urlencoded" } });
    expect(big.status).toBe(413);
  });

  it("keeps serving, degraded, when Meilisearch goes away", async () => {
    meili.crash();
    await waitFor(async () => (await (await fetch(`${base}/healthz`)).json()).search === "degraded", 10_000);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ db: "ok", search: "degraded" });
  });
});
