// The runner of `npm run bench:saturation` (bench/saturation.ts), apart from its flags so that a CI-sized
// run can be tested (tests/integration/saturation.test.ts). It starts the production server
// (build/server.js) on PostgreSQL with its own embedded Meilisearch, makes its own org, people and open
// spaces, signs the people in through the real form, then raises the number of concurrent writers step by
// step: each writer posts in a loop through the home page's form (POST /?index with the Origin the CSRF
// guard wants), as a browser does. Per step: acknowledged writes/s, p50/p95/p99, errors, and the signals
// that tell what saturates (pg_stat_activity sampled every 100 ms: sessions busy and waiting on the chain
// head's row lock; the org's outbox lanes each second; Meilisearch's task queue, its busy share and the
// commit → searchable lag; CPU of the app, the PostgreSQL backends, Meilisearch and the whole machine from
// /proc). It stops raising when throughput grows < minGrowth; the verdict comes from the signals
// (./saturation.ts). Then every acknowledged write is checked in PostgreSQL, the archive chain and the
// index, and the org's chains are verified as `npm run archive:verify` does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { registerConsumers } from "../../app/boot.server";
import { verifyArchive, type VerifyResult } from "../../app/compliance/verify.server";
import { getDb } from "../../app/db/client.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { joinSpace } from "../../app/spaces/spaces.server";
import { pct } from "./bench";
import { makeOrg, makeSpace, makeUser, TEST_PASSWORD } from "./factories";
import { checkWrites, lostCount, signInAll, type Ack, type Person, type WriteCheck } from "./load-check";
import { engineBusyShare, findings, plateauAt, resourceName, shouldStop, slope, verdict, type StepSignals, type Verdict } from "./saturation";
import { embeddedMeili, ensureServerBuild, startServer, waitFor, type ServerChild } from "./server-process";

export type SaturationOptions = {
  /** PostgreSQL the server runs on; the caller's getDb() must open the same database */
  databaseUrl: string;
  /** concurrent writers per step, raised in this order */
  steps: number[];
  seconds: number;
  /** the most to wait after a step for the outbox and Meilisearch to empty */
  settleSeconds: number;
  minGrowth: number;
  /** stop after this many steps in a row without growth (default 1: the first step that grows < minGrowth) */
  patience?: number;
  /** WEB_CONCURRENCY of the server */
  processes: number;
  spaces: number;
  /** writers spread over this many orgs (default 1): each org has its own archive chain */
  orgs?: number;
  port: number;
  log?: (s: string) => void;
};

export type SaturationReport = { orgIds: string[]; steps: StepSignals[]; verdict: Verdict; check: WriteCheck; lost: number; archive: VerifyResult };

// the app's postgres.js pool (app/db/client.server.ts: max 10) in each process
const POOL_PER_PROCESS = 10;
const BENCH_APP = "atrium-saturation-bench";
const CLK = 100; // USER_HZ: /proc/<pid>/stat times are in 1/100 s
const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));

function cpuSeconds(pid: number): number | null {
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(f[11]) + Number(f[12])) / CLK;
  } catch {
    return null;
  }
}
function commOf(pid: number) {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}
/** The server's process and its cluster workers (not Meilisearch, which is its child too). */
function appPids(root: number): number[] {
  const out = [root];
  const all = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).map(Number);
  for (let i = 0; i < out.length; i++) {
    for (const p of all) {
      try {
        if (Number(fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1].split(" ")[1]) === out[i] && !commOf(p).startsWith("meili")) out.push(p);
      } catch {
        // gone
      }
    }
  }
  return out;
}
/** Busy and total jiffies of all cores (/proc/stat), for the machine's whole CPU: other processes too. */
function machineJiffies() {
  const [, ...xs] = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const n = xs.map(Number);
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - n[3] - n[4], total };
}

export async function runSaturation(o: SaturationOptions): Promise<SaturationReport> {
  const log = o.log ?? (() => undefined);
  const { steps, seconds, settleSeconds, minGrowth, processes } = o;
  const patience = Math.max(1, o.patience ?? 1);
  const spaceCount = o.spaces;
  const orgCount = Math.max(1, o.orgs ?? 1);
  ensureServerBuild();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "atrium-saturation-"));
  const server: ServerChild = startServer({
    port: o.port,
    dataDir,
    databaseUrl: o.databaseUrl,
    // every writer signs in from 127.0.0.1: the per-address failure limit must not count them
    env: { WEB_CONCURRENCY: String(processes), LOGIN_MAX_PER_IP: "100000" },
  });
  const pg = postgres(o.databaseUrl, { max: 2, onnotice: () => {}, connection: { application_name: BENCH_APP } });
  try {
    const { base } = server;
    await waitFor(async () => (await fetch(`${base}/healthz`)).status === 200, 240_000, () => `the server to answer; it said:\n${server.output()}`, 200);
    await waitFor(async () => ((await (await fetch(`${base}/healthz`)).json()) as { search: string }).search === "ok", 120_000, "search to be ok", 250);
    const meili = embeddedMeili(dataDir);
    const index = "atrium_content";

    const maxWriters = Math.max(...steps);
    registerConsumers(); // the factories' writes emit outbox events (drained by the server)
    const db = await getDb();
    // writer c belongs to org c % orgs: with several orgs each has its own chain (and its own head lock)
    const orgs: { id: string; people: Person[] }[] = [];
    const perOrg = Math.ceil(maxWriters / orgCount);
    for (let k = 0; k < orgCount; k++) {
      const org = await makeOrg("Saturation Bank");
      const users: Awaited<ReturnType<typeof makeUser>>[] = [];
      for (let i = 0; i < perOrg; i++) users.push(await makeUser(org.id, { name: `Writer ${i + 1}` }));
      const owner = await loadViewer(db, users[0].id);
      const spaces: Awaited<ReturnType<typeof makeSpace>>[] = [];
      for (let i = 0; i < spaceCount; i++) spaces.push(await makeSpace(owner, { name: `Desk ${i + 1}` }));
      for (let i = 1; i < users.length; i++) await joinSpace(await loadViewer(db, users[i].id), spaces[i % spaces.length].id);
      const signed = await signInAll(base, users.map((u, i) => ({ id: u.id, email: u.email, spaces: [spaces[i % spaces.length].id] })), TEST_PASSWORD);
      orgs.push({ id: org.id, people: signed });
    }
    const orgIds = orgs.map((x) => x.id);
    const people: Person[] = Array.from({ length: maxWriters }, (_, c) => orgs[c % orgCount].people[Math.floor(c / orgCount)]);
    const orgOf = new Map(orgs.flatMap((x) => x.people.map((p) => [p.id, x.id] as const)));
    log(`${orgCount === 1 ? `org ${orgIds[0]}` : `${orgCount} orgs (writer c in org c mod ${orgCount})`}: ${people.length} people signed in, ${spaceCount} open spaces per org; steps ${steps.join(", ")} writers × ${seconds} s (settle ≤ ${settleSeconds} s between)`);

    // ---- one write, as the browser's form ----
    const marker = `sat${Math.random().toString(36).slice(2, 9)}`;
    const acks: Ack[] = [];
    const counters = new Map<number, number>();
    async function post(c: number): Promise<{ ms: number; ok: boolean; token: string; status: string }> {
      const p = people[c];
      const n = counters.get(c) ?? 0;
      counters.set(c, n + 1);
      const token = `${marker}w${c}x${n}`;
      const body = new URLSearchParams({ intent: "post", bodyText: `Desk update ${token} on liquidity and client onboarding #saturation`, spaceId: p.spaces[0] });
      const t0 = performance.now();
      try {
        const res = await fetch(`${base}/?index`, {
          method: "POST",
          redirect: "manual",
          headers: { cookie: p.cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
          body: body.toString(),
          signal: AbortSignal.timeout(60_000),
        });
        await res.body?.cancel().catch(() => undefined);
        const ms = performance.now() - t0;
        if (res.status === 302) acks.push({ kind: "post", token, userId: p.id });
        return { ms, ok: res.status === 302, token, status: String(res.status) };
      } catch (e) {
        return { ms: performance.now() - t0, ok: false, token, status: (e as Error).name };
      }
    }
    // warm-up (not measured, but acknowledged and checked): every writer posts once
    await Promise.all(people.map((_, c) => post(c)));

    // ---- signals ----
    type Lane = Record<string, number>;
    async function outboxState(): Promise<{ pending: Lane; maxEvent: number }> {
      const rows = await pg<{ consumer: string; n: number }[]>`
        select d.consumer, count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where e.org_id in ${pg(orgIds)} and d.status = 'pending' group by d.consumer`;
      const [m] = await pg<{ id: string | null }[]>`select max(id)::text as id from outbox_events`;
      return { pending: Object.fromEntries(rows.map((r) => [r.consumer, r.n])), maxEvent: Number(m.id ?? 0) };
    }
    async function producedSince(eventId: number): Promise<Lane> {
      const rows = await pg<{ consumer: string; n: number }[]>`
        select d.consumer, count(*)::int as n from outbox_deliveries d join outbox_events e on e.id = d.event_id
        where e.id > ${eventId} and e.org_id in ${pg(orgIds)} group by d.consumer`;
      return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
    }
    async function meiliQueue(): Promise<number> {
      const res = await fetch(`${meili.url}/tasks?statuses=enqueued,processing&limit=1`, { headers: { Authorization: `Bearer ${meili.key}` } });
      return ((await res.json()) as { total?: number }).total ?? 0;
    }
    /** Tasks Meilisearch finished since `from` or is processing now (their start and end times). */
    async function meiliTasks(from: number): Promise<{ startedAt: string | null; finishedAt: string | null }[]> {
      const get = async (q: string) => {
        const res = await fetch(`${meili.url}/tasks?${q}`, { headers: { Authorization: `Bearer ${meili.key}` } });
        return ((await res.json()) as { results?: { startedAt: string | null; finishedAt: string | null }[] }).results ?? [];
      };
      return [...(await get(`afterFinishedAt=${new Date(from).toISOString()}&limit=1000`)), ...(await get("statuses=processing&limit=100"))];
    }
    async function searchable(token: string) {
      const res = await fetch(`${meili.url}/indexes/${index}/search`, {
        method: "POST",
        headers: { Authorization: `Bearer ${meili.key}`, "content-type": "application/json", "accept-encoding": "identity" },
        body: JSON.stringify({ q: token, limit: 1, attributesToRetrieve: ["id"] }),
      });
      return ((await res.json()) as { hits?: unknown[] }).hits?.length ? true : false;
    }
    async function pgPids(): Promise<number[]> {
      const rows = await pg<{ pid: number }[]>`select pid from pg_stat_activity where datname = current_database() and coalesce(application_name, '') <> ${BENCH_APP}`;
      return rows.map((r) => r.pid);
    }
    const sumCpu = (pids: number[], base0: Map<number, number>) => {
      let t = 0;
      for (const p of pids) {
        const now = cpuSeconds(p);
        if (now !== null) t += now - (base0.get(p) ?? 0);
      }
      return t;
    };
    const snapshot = (pids: number[]) => new Map(pids.map((p) => [p, cpuSeconds(p) ?? 0]));

    /** Waits (≤ --settle s) for the org's outbox and Meilisearch's queue to empty: how far behind a step left them. */
    async function settle() {
      const t = performance.now();
      let left = 0;
      let queue = 0;
      while (performance.now() - t < settleSeconds * 1000) {
        left = Object.values((await outboxState()).pending).reduce((a, b) => a + b, 0);
        queue = left === 0 ? await meiliQueue() : queue;
        if (left === 0 && queue === 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      return { left, queue, seconds: (performance.now() - t) / 1000 };
    }
    await settle(); // the warm-up's and the setup's events

    const results: StepSignals[] = [];
    const drains: string[] = [];
    for (const writers of steps) {
      const ob0 = await outboxState();
      const q0 = await meiliQueue();
      const appP = appPids(server.proc.pid!);
      const pgP0 = await pgPids();
      const cpu0 = { app: snapshot(appP), pg: snapshot(pgP0), meili: snapshot([meili.pid]) };
      const m0 = machineJiffies();
      const load0 = load();

      const t0 = performance.now();
      const wallStart = Date.now();
      // pg_stat_activity every ~100 ms
      let sampling = true;
      const db0 = { samples: 0, busy: 0, chain: 0, lock: 0 };
      const obSamples: { t: number; pending: Lane }[] = [];
      let lastOb = 0;
      const sampler = (async () => {
        while (sampling) {
          const rows = await pg<{ state: string | null; wait_event_type: string | null; query: string | null }[]>`
            select state, wait_event_type, query from pg_stat_activity
            where datname = current_database() and backend_type = 'client backend' and coalesce(application_name, '') <> ${BENCH_APP}`;
          db0.samples++;
          // the org's outbox lanes once a second (their slope tells a lane falling behind from one that only lags)
          if (performance.now() - lastOb >= 1000) {
            lastOb = performance.now();
            obSamples.push({ t: (lastOb - t0) / 1000, pending: (await outboxState()).pending });
          }
          for (const r of rows) {
            if (r.state === "idle") continue;
            db0.busy++;
            if (r.wait_event_type === "Lock") {
              db0.lock++;
              if (r.query?.includes("chain_heads")) db0.chain++;
            }
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();

      // the writers, and a commit → searchable probe every 2 s on the newest acknowledged write
      const lat: number[] = [];
      const errors: Record<string, number> = {};
      let acked = 0;
      const end = t0 + seconds * 1000;
      let newest: { token: string; at: number } | null = null;
      const probes: Promise<void>[] = [];
      const lagMs: number[] = [];
      const prober = setInterval(() => {
        const n = newest;
        if (!n) return;
        probes.push(
          (async () => {
            while (performance.now() - n.at < 20_000) {
              if (await searchable(n.token).catch(() => false)) return void lagMs.push(performance.now() - n.at);
              await new Promise((r) => setTimeout(r, 50));
            }
            lagMs.push(20_000); // not searchable within 20 s: counted as 20 s
          })(),
        );
      }, 2000);
      await Promise.all(
        Array.from({ length: writers }, async (_, c) => {
          while (performance.now() < end) {
            const r = await post(c);
            lat.push(r.ms);
            if (r.ok) {
              acked++;
              newest = { token: r.token, at: performance.now() };
            } else errors[r.status] = (errors[r.status] ?? 0) + 1;
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      clearInterval(prober);
      sampling = false;
      await sampler;
      const m1 = machineJiffies();
      const pgP1 = await pgPids();
      const cpu = {
        app: sumCpu(appP, cpu0.app) / wall,
        postgres: sumCpu([...new Set([...pgP0, ...pgP1])], cpu0.pg) / wall,
        meili: sumCpu([meili.pid], cpu0.meili) / wall,
        machineBusy: ((m1.busy - m0.busy) / Math.max(1, m1.total - m0.total)) * os.cpus().length,
      };
      const ob1 = await outboxState();
      const q1 = await meiliQueue();
      const produced = await producedSince(ob0.maxEvent);
      const engineBusy = engineBusyShare(await meiliTasks(wallStart), wallStart, wallStart + wall * 1000);
      const tasks = (await meiliTasks(wallStart)).length;
      await Promise.all(probes);
      const later = obSamples.filter((o) => o.t >= wall / 3);
      const laneSlope = (c: string) => slope(later.map((o) => ({ t: o.t, y: o.pending[c] ?? 0 })));
      const lanes = new Set([...Object.keys(produced), ...Object.keys(ob0.pending), ...Object.keys(ob1.pending)]);
      const sum = (l: Lane) => Object.values(l).reduce((a, b) => a + b, 0);
      const s: StepSignals = {
        writers,
        seconds: wall,
        acknowledged: acked,
        errors: Object.values(errors).reduce((a, b) => a + b, 0),
        writesPerSecond: acked / wall,
        latencyMs: { p50: pct(lat, 50) ?? 0, p95: pct(lat, 95) ?? 0, p99: pct(lat, 99) ?? 0 },
        db: { samples: db0.samples, busy: db0.busy / Math.max(1, db0.samples), chainLockWaits: db0.chain / Math.max(1, db0.samples), lockWaits: db0.lock / Math.max(1, db0.samples), poolSize: POOL_PER_PROCESS * processes },
        outbox: {
          pendingStart: sum(ob0.pending),
          pendingEnd: sum(ob1.pending),
          consumers: Object.fromEntries([...lanes].map((c) => [c, { produced: produced[c] ?? 0, growth: (ob1.pending[c] ?? 0) - (ob0.pending[c] ?? 0), slopePerSecond: laneSlope(c) }])),
        },
        meili: { queueStart: q0, queueEnd: q1, lagMs, tasks, engineBusy },
        cpu,
        cores: os.cpus().length,
        appProcesses: processes,
        load: load0,
      };
      results.push(s);
      const f = (x: number, d = 1) => x.toFixed(d);
      const lagText = lagMs.length ? `commit → searchable p50 ${f(pct(lagMs, 50), 0)} ms max ${f(Math.max(...lagMs), 0)} ms (${lagMs.length} probes)` : "no lag probe";
      const worst = Object.entries(s.outbox.consumers).sort((a, b) => b[1].slopePerSecond - a[1].slopePerSecond)[0];
      const laneText = Object.entries(s.outbox.consumers)
        .filter(([, l]) => l.growth > 0)
        .sort((a, b) => b[1].growth - a[1].growth)
        .map(([c, l]) => `${c} +${l.growth} of ${l.produced} (${f(l.slopePerSecond)}/s)`)
        .join(", ");
      const settled = await settle();
      const done = settled.left === 0 && settled.queue === 0;
      drains.push(done ? `${settled.seconds.toFixed(1)} s` : `> ${settleSeconds} s (${settled.left} pending, ${settled.queue} Meilisearch tasks)`);
      const drainText = done ? `drained ${f(settled.seconds)} s after the step` : `${settled.left} deliveries still pending and ${settled.queue} Meilisearch tasks queued ${settleSeconds} s after the step`;
      const line = [
        `${String(writers).padStart(3)} writers: ${f(s.writesPerSecond).padStart(6)} writes/s (${acked} in ${f(wall)} s), p50 ${f(s.latencyMs.p50, 0)} ms p95 ${f(s.latencyMs.p95, 0)} ms p99 ${f(s.latencyMs.p99, 0)} ms, errors ${s.errors}${s.errors ? ` ${JSON.stringify(errors)}` : ""}; load ${load0.join(" ")}`,
        `      PostgreSQL: ${f(s.db.busy)} busy sessions of ${s.db.poolSize}, ${f(s.db.lockWaits)} waiting on a lock (${f(s.db.chainLockWaits)} on the chain head) [${db0.samples} samples]`,
        `      outbox (org${orgCount > 1 ? "s" : ""}): pending ${s.outbox.pendingStart} → ${s.outbox.pendingEnd} (${f((s.outbox.pendingEnd - s.outbox.pendingStart) / wall)}/s), ${sum(produced)} deliveries produced${worst ? `; steepest lane: ${worst[0]} ${f(worst[1].slopePerSecond)}/s` : ""}; ${drainText}`,
        `      outbox lanes with more pending at the end: ${laneText || "none"}`,
        `      Meilisearch: queue ${q0} → ${q1} tasks, ${tasks} tasks in the step, engine busy ${Math.round(engineBusy * 100)} % of it; ${lagText}`,
        `      CPU (cores): app ${f(cpu.app, 2)}, PostgreSQL ${f(cpu.postgres, 2)}, Meilisearch ${f(cpu.meili, 2)}; machine busy ${f(cpu.machineBusy, 2)} of ${s.cores}`,
        `      nearest limits: ${findings(s).slice(0, 3).map((x) => `${resourceName(x.resource)} ${f(x.score, 2)}`).join(", ")}`,
      ].join("\n");
      log(line);
      const prev = results.at(-2);
      const stop = plateauAt(results, minGrowth, patience) !== null;
      if (prev && (stop || shouldStop(prev, s, minGrowth))) {
        const grew = `throughput grew ${f(((s.writesPerSecond - prev.writesPerSecond) / prev.writesPerSecond) * 100)} % over the previous step`;
        log(`      ${grew}${stop ? `${patience > 1 ? `; ${patience} steps in a row < ${f(minGrowth * 100, 0)} % over the best` : ` (< ${f(minGrowth * 100, 0)} %)`}: stop raising` : `; patience ${patience}: one more step`}`);
      }
      if (stop) break;
    }

    // ---- the table and the verdict ----
    const v = verdict(results, minGrowth, patience);
    log(`\n| writers | writes/s | p50 ms | p95 ms | p99 ms | errors | busy / chain-lock sessions | steepest outbox lane | outbox drained after | Meili busy | Meili lag p50 | CPU app / PG / Meili / machine | load 1 min |`);
    log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
    results.forEach((s, i) => {
      const lag = s.meili.lagMs.length ? `${pct(s.meili.lagMs, 50).toFixed(0)} ms` : "–";
      const lane = Object.entries(s.outbox.consumers).sort((a, b) => b[1].slopePerSecond - a[1].slopePerSecond)[0];
      log(
        `| ${s.writers} | ${s.writesPerSecond.toFixed(1)} | ${s.latencyMs.p50.toFixed(0)} | ${s.latencyMs.p95.toFixed(0)} | ${s.latencyMs.p99.toFixed(0)} | ${s.errors} | ${s.db.busy.toFixed(1)} / ${s.db.chainLockWaits.toFixed(1)} | ${lane ? `${lane[0]} ${lane[1].slopePerSecond >= 0 ? "+" : ""}${lane[1].slopePerSecond.toFixed(1)}/s` : "–"} | ${drains[i]} | ${Math.round(s.meili.engineBusy * 100)} % | ${lag} | ${s.cpu.app.toFixed(2)} / ${s.cpu.postgres.toFixed(2)} / ${s.cpu.meili.toFixed(2)} / ${s.cpu.machineBusy.toFixed(2)} | ${s.load[0]} |`,
      );
    });
    log(v.line);

    // ---- every acknowledged write in PostgreSQL, the chain and the index; the org's chains verified ----
    const checks: WriteCheck[] = [];
    let archive: VerifyResult = { ok: true, checked: 0 };
    for (const id of orgIds) {
      checks.push(await checkWrites(db, { orgId: id, marker, acks: acks.filter((a) => orgOf.get(a.userId) === id), base, meili: { url: meili.url, key: meili.key, index } }));
      const v1 = await verifyArchive(db, { orgId: id });
      archive = v1.ok ? { ...archive, checked: archive.checked + v1.checked } : v1;
      if (!v1.ok) break;
    }
    const check = checks.reduce((a, c) => ({
      acknowledged: a.acknowledged + c.acknowledged,
      content: { acknowledged: a.content.acknowledged + c.content.acknowledged, inDatabase: a.content.inDatabase + c.content.inDatabase, inArchive: a.content.inArchive + c.content.inArchive, inIndex: a.content.inIndex + c.content.inIndex },
      reactions: { acknowledged: 0, inDatabase: 0, inArchive: 0 },
      lost: { database: [...a.lost.database, ...c.lost.database], archive: [...a.lost.archive, ...c.lost.archive], index: [...a.lost.index, ...c.lost.index] },
      indexWaitSeconds: Math.round((a.indexWaitSeconds + c.indexWaitSeconds) * 10) / 10,
    }));
    log(
      `writes: ${check.acknowledged} acknowledged; in PostgreSQL ${check.content.inDatabase}, in the archive chain ${check.content.inArchive}, in the index ${check.content.inIndex} (index waited ${check.indexWaitSeconds} s); lost ${lostCount(check)}`,
    );
    log(archive.ok ? `archive: OK, ${orgCount === 1 ? "the org's" : `the ${orgCount} orgs'`} ${archive.checked} chain records verified` : `archive: BROKEN ${JSON.stringify(archive.problem)}`);
    return { orgIds, steps: results, verdict: v, check, lost: lostCount(check), archive };
  } finally {
    await pg.end({ timeout: 5 });
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
