// The SIGSTOP fault scenario, shared by tests/integration/fault-sigstop.test.ts (short stop)
// and `npm run bench:fault` (60 s by default): the production server with its embedded
// Meilisearch takes a steady stream of posts; Meilisearch is frozen (SIGSTOP, not killed)
// for `stopSeconds`, then resumed (SIGCONT). Measures write latency, what /healthz says
// meanwhile, and checks that every acknowledged post reaches the database and the index.
import path from "node:path";
import { sql } from "drizzle-orm";
import { embeddedMeili, pct, setupFirstAdmin, signIn, startServer, waitFor, type ServerChild } from "./server-process";

export type FaultOptions = { databaseUrl: string | null; port: number; stopSeconds: number; beforeSeconds?: number; afterSeconds?: number; log?: (s: string) => void };

type HealthSample = { phase: Phase; at: number; ms: number; code: number; db: string; search: string; searchPending: number | null };
type Phase = "before" | "stopped" | "after";

export type FaultReport = {
  mode: "postgres" | "pglite";
  stopSeconds: number;
  writes: { total: number; failed: number; byPhase: Record<Phase, { n: number; p50: number; p95: number; max: number }> };
  health: { samples: number; dbNotOk: number; searchDegradedWhileStopped: number; stoppedSamples: number; p95Ms: number; maxSearchPending: number };
  convergeSeconds: number;
  acknowledged: number;
  inDatabase: number;
  inIndex: number;
  missingFromIndex: number[];
};

export async function runFaultScenario(opts: FaultOptions): Promise<FaultReport> {
  const log = opts.log ?? (() => undefined);
  const mode = opts.databaseUrl ? "postgres" : "pglite";
  const server = startServer({ port: opts.port, databaseUrl: opts.databaseUrl });
  try {
    return await scenario(server, opts, mode, log);
  } finally {
    await server.stop();
  }
}

async function scenario(server: ServerChild, opts: FaultOptions, mode: "postgres" | "pglite", log: (s: string) => void): Promise<FaultReport> {
  const { base } = server;
  const health = async () => {
    const t0 = performance.now();
    const res = await fetch(`${base}/healthz`);
    const body = (await res.json()) as { db: string; search: string; backlog?: { consumers: Record<string, { pending: number; due: number }> } | null };
    // `due`: pending now or in flight; on a shared test database other files leave deliveries
    // scheduled at a frozen clock's future (2033), which no server will try before then
    return { ms: performance.now() - t0, code: res.status, db: body.db, search: body.search, searchPending: body.backlog?.consumers.search?.due ?? null };
  };
  await waitFor(async () => (await health()).code === 200, 240_000, () => `the server to answer; it said:\n${server.output()}`, 100);
  // search starts after the server answers: wait for it, and for any earlier backlog to drain
  await waitFor(async () => {
    const h = await health();
    return h.search === "ok" && h.searchPending === 0;
  }, 120_000, "search to be ok with an empty backlog", 200);

  let who: { email: string; password: string };
  if (mode === "pglite") who = await setupFirstAdmin(server);
  else {
    const { registerConsumers } = await import("../../app/boot.server");
    registerConsumers();
    const { makeOrg, makeUser, TEST_PASSWORD } = await import("./factories");
    const org = await makeOrg("Fault Bank");
    who = { email: (await makeUser(org.id, { name: "Ada Admin" })).email, password: TEST_PASSWORD };
  }
  const cookie = await signIn(base, who.email, who.password);
  const meili = embeddedMeili(server.dataDir);
  const marker = `faultrun${Math.random().toString(36).slice(2, 10)}`;
  log(`[fault] ${mode}: server up, Meilisearch pid ${meili.pid}; stopping it for ${opts.stopSeconds} s`);

  let phase: Phase = "before";
  let writing = true;
  const latencies: Record<Phase, number[]> = { before: [], stopped: [], after: [] };
  let failed = 0;
  let acknowledged = 0;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const t0 = performance.now();
      const p = phase;
      const res = await fetch(`${base}/?index`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ intent: "post", bodyText: `${marker} item${i} written while the search engine may be frozen` }),
      }).catch(() => null);
      latencies[p].push(performance.now() - t0);
      if (res?.status === 302) acknowledged++;
      else failed++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const samples: HealthSample[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const p = phase;
      const h = await health().catch(() => ({ ms: NaN, code: 0, db: "unreachable", search: "unreachable", searchPending: null }));
      samples.push({ phase: p, at: Date.now(), ...h });
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  const sleep = (s: number) => new Promise((r) => setTimeout(r, s * 1000));
  await sleep(opts.beforeSeconds ?? 2);
  process.kill(meili.pid, "SIGSTOP");
  phase = "stopped";
  let continued = false;
  try {
    await sleep(opts.stopSeconds);
  } finally {
    process.kill(meili.pid, "SIGCONT");
    continued = true;
  }
  const resumedAt = performance.now();
  phase = "after";
  await sleep(opts.afterSeconds ?? 2);
  writing = false;
  await writer;
  sampling = false;
  await sampler;
  void continued;
  log(`[fault] resumed; ${acknowledged} posts acknowledged; waiting for the index to converge`);

  await waitFor(async () => (await health()).searchPending === 0, 180_000, "the search backlog to drain after SIGCONT", 200);
  // the index has applied a delivery before it is marked done: search now
  const convergeSeconds = (performance.now() - resumedAt) / 1000;
  const res = await fetch(`${meili.url}/indexes/atrium_content/search`, {
    method: "POST",
    headers: { Authorization: `Bearer ${meili.key}`, "Content-Type": "application/json", "Accept-Encoding": "identity" },
    body: JSON.stringify({ q: marker, limit: 100_000, attributesToRetrieve: ["text"] }),
  });
  const hits = ((await res.json()) as { hits: { text: string }[] }).hits.filter((h) => h.text.includes(marker));
  const indexed = new Set(hits.map((h) => Number(/item(\d+)/.exec(h.text)?.[1])));

  const inDatabase = await countInDatabase(server, mode, marker);
  const stopped = samples.filter((s) => s.phase === "stopped");
  const summary = (xs: number[]) => ({ n: xs.length, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)) });
  return {
    mode,
    stopSeconds: opts.stopSeconds,
    writes: {
      total: acknowledged + failed,
      failed,
      byPhase: { before: summary(latencies.before), stopped: summary(latencies.stopped), after: summary(latencies.after) },
    },
    health: {
      samples: samples.length,
      dbNotOk: samples.filter((s) => s.db !== "ok" || s.code !== 200).length,
      // the first second of the stop may still see the last good answer
      searchDegradedWhileStopped: stopped.filter((s) => s.search === "degraded").length,
      stoppedSamples: stopped.length,
      p95Ms: round(pct(samples.map((s) => s.ms), 95)),
      maxSearchPending: Math.max(0, ...samples.map((s) => s.searchPending ?? 0)),
    },
    convergeSeconds: round(convergeSeconds),
    acknowledged,
    inDatabase,
    inIndex: indexed.size,
    missingFromIndex: Array.from({ length: acknowledged + failed }, (_, i) => i).filter((i) => !indexed.has(i)).slice(0, 20),
  };
}

const round = (x: number) => Math.round(x * 10) / 10;

async function countInDatabase(server: ServerChild, mode: "postgres" | "pglite", marker: string) {
  const like = `%${marker}%`;
  if (mode === "postgres") {
    const { getDb, query } = await import("../../app/db/client.server");
    const [r] = await query<{ n: number }>(await getDb(), sql`select count(*)::int as n from content where body_text like ${like}`);
    return Number(r.n);
  }
  // PGlite admits one process: stop the server, then open its database here
  await server.stop();
  const { openDatabase, query } = await import("../../app/db/client.server");
  const h = await openDatabase({ kind: "pglite", dir: path.join(server.dataDir, "pglite") });
  try {
    const [r] = await query<{ n: number }>(h.db, sql`select count(*)::int as n from content where body_text like ${like}`);
    return Number(r.n);
  } finally {
    await h.close();
  }
}

export function printFaultReport(r: FaultReport, print: (s: string) => void = console.log) {
  const w = r.writes.byPhase;
  print(
    [
      `fault (${r.mode}): Meilisearch frozen with SIGSTOP for ${r.stopSeconds} s during a stream of posts`,
      `  writes: ${r.writes.total} sent, ${r.writes.failed} failed`,
      `    before : n=${w.before.n} p50 ${w.before.p50} ms p95 ${w.before.p95} ms max ${w.before.max} ms`,
      `    stopped: n=${w.stopped.n} p50 ${w.stopped.p50} ms p95 ${w.stopped.p95} ms max ${w.stopped.max} ms`,
      `    after  : n=${w.after.n} p50 ${w.after.p50} ms p95 ${w.after.p95} ms max ${w.after.max} ms`,
      `  /healthz: ${r.health.samples} samples, db not ok in ${r.health.dbNotOk}, search degraded in ${r.health.searchDegradedWhileStopped}/${r.health.stoppedSamples} while stopped, p95 ${r.health.p95Ms} ms, search backlog peak ${r.health.maxSearchPending}`,
      `  acknowledged ${r.acknowledged}, in database ${r.inDatabase}, in index ${r.inIndex}; index converged ${r.convergeSeconds} s after SIGCONT`,
    ].join("\n"),
  );
}
