// `npm run load` (issue 18): N signed-in people (one autocannon connection each) loop over a
// mix of reads (home feed, a space, a post page, search) and writes (posts, comments,
// reactions through the same forms the browser submits, with the Origin the CSRF guard
// requires). Then every acknowledged write is checked (scripts/lib/load-check.ts).
import fs from "node:fs";
import autocannon from "autocannon";
import type { Db } from "../../app/db/client.server";
import { checkWrites, loadWorld, signInAll, type Ack, type Person, type WriteCheck } from "./load-check";
import { rng } from "./rng";
import { pct } from "./server-process";

export type LoadOptions = {
  base: string;
  connections: number;
  durationSeconds: number;
  /** one request in `writeEvery` is a write */
  writeEvery: number;
  password: string;
  meili: { url: string; key: string };
  /** the app's pid, for its peak memory (VmHWM) */
  pid?: number;
  orgId?: string;
  seed?: number;
  /** one unmeasured request of each kind per person first (default true) */
  warmup?: boolean;
  log?: (s: string) => void;
};

export type LoadReport = {
  connections: number;
  durationSeconds: number;
  requests: number;
  throughput: number;
  latency: { p50: number; p95: number; p99: number; max: number };
  byKind: Record<string, { n: number; p50: number; p95: number }>;
  status: { "2xx": number; "3xx": number; "4xx": number; "5xx": number };
  transportErrors: number;
  timeouts: number;
  writes: { sent: number; acknowledged: number };
  peakRssMb: number | null;
  check: WriteCheck;
};

const WORDS = ["rates", "fraud", "client", "mortgage", "KYC", "onboarding", "taux", "fraude", "épargne", "template", "app", "liquidity", "compliance", "conformité"];
const TEXT = ["Quick update from our team on client onboarding", "Retour d'expérience sur la fraude au virement", "Rates questions keep coming in this week", "Nouvelle procédure KYC pour les professionnels"];

function rssOf(pid: number, field: "VmHWM" | "VmRSS") {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export async function runLoad(db: Db, o: LoadOptions): Promise<LoadReport> {
  const log = o.log ?? (() => undefined);
  const world = await loadWorld(db, o.connections, o.orgId);
  if (!world.people.length) throw new Error("the seeded organisation has nobody in an open space");
  log(`[load] signing in ${world.people.length} people of org ${world.orgId}`);
  const people = await signInAll(o.base, world.people, o.password);
  const marker = `ld${Math.random().toString(36).slice(2, 10)}`;
  const r = rng(o.seed ?? 18);
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const acks: Ack[] = [];
  let sent = 0;
  const status = { "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
  const latencies: number[] = [];
  const byKind = new Map<string, number[]>();
  const unexpected: string[] = [];
  let peakRss = 0;
  const rssTimer = o.pid ? setInterval(() => (peakRss = Math.max(peakRss, rssOf(o.pid!, "VmRSS") ?? 0)), 500) : null;

  const requestsFor = (p: Person, c: number) => {
    const origin = new URL(o.base).origin;
    const headers = { cookie: p.cookie, "accept-language": pick(["en", "fr"]) };
    const formHeaders = { ...headers, origin, "content-type": "application/x-www-form-urlencoded" };
    const spaces = p.spaces.length ? p.spaces : [...world.spaceSlugs.keys()];
    const postsOf = (s: string) => world.postsBySpace.get(s) ?? [];
    let n = 0;
    const reads = [
      () => ({ kind: "home", method: "GET", path: "/", headers }),
      () => ({ kind: "space", method: "GET", path: `/spaces/${world.spaceSlugs.get(pick(spaces))}`, headers }),
      () => {
        const posts = postsOf(pick(spaces));
        return posts.length ? { kind: "post page", method: "GET", path: `/posts/${pick(posts)}`, headers } : { kind: "home", method: "GET", path: "/", headers };
      },
      () => ({ kind: "search", method: "GET", path: `/search?q=${encodeURIComponent(pick(WORDS))}`, headers }),
    ];
    const write = () => {
      const space = pick(spaces);
      const posts = postsOf(space);
      const token = `${marker}w${c}x${n++}`;
      const roll = r();
      if (roll < 0.4 || !posts.length) {
        const body = new URLSearchParams({ intent: "post", bodyText: `${pick(TEXT)} ${token} #loadtest`, spaceId: space });
        return { kind: "write post", method: "POST", path: "/?index", headers: formHeaders, body: body.toString(), ack: { kind: "post" as const, token, userId: p.id } };
      }
      const postId = pick(posts);
      if (roll < 0.7) {
        const body = new URLSearchParams({ intent: "comment", bodyText: `${pick(TEXT)} ${token}` });
        return { kind: "write comment", method: "POST", path: `/posts/${postId}`, headers: formHeaders, body: body.toString(), ack: { kind: "comment" as const, token, userId: p.id } };
      }
      const reaction = pick(["like", "celebrate", "insightful", "helpful", "curious"]);
      const body = new URLSearchParams({ intent: "react", reaction, on: "true" });
      return { kind: "write reaction", method: "POST", path: `/posts/${postId}`, headers: formHeaders, body: body.toString(), ack: { kind: "reaction" as const, postId, userId: p.id, reaction } };
    };
    type Planned = { kind: string; method: string; path: string; headers: Record<string, string>; body?: string; ack?: Ack };
    const slots = Array.from({ length: o.writeEvery }, (_, k) => k);
    return slots.map((k) => ({
      method: "GET" as const,
      path: "/",
      setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
        // each connection writes at its own place in the cycle: short runs still write
        const plan: Planned = k === c % o.writeEvery ? write() : reads[(k + c) % reads.length]();
        context.plan = plan;
        context.started = performance.now();
        if (plan.ack) sent++;
        return { ...req, method: plan.method, path: plan.path, headers: plan.headers, body: plan.body };
      },
      onResponse: (code: number, body: string, context: Record<string, unknown>, resHeaders: Record<string, string>) => {
        const plan = context.plan as Planned;
        const ms = performance.now() - (context.started as number);
        latencies.push(ms);
        const list = byKind.get(plan.kind) ?? [];
        list.push(ms);
        byKind.set(plan.kind, list);
        const cls = code >= 500 ? "5xx" : code >= 400 ? "4xx" : code >= 300 ? "3xx" : "2xx";
        status[cls]++;
        const ok = plan.ack ? (plan.ack.kind === "reaction" ? code === 200 : code === 302) : code === 200;
        const location = String(Object.entries(resHeaders ?? {}).find(([h]) => h.toLowerCase() === "location")?.[1] ?? "");
        if (!ok && unexpected.length < 20) unexpected.push(`${plan.method} ${plan.path} → ${code} ${code >= 400 ? body.slice(0, 120).replace(/\s+/g, " ") : location}`);
        if (plan.ack && ok) {
          if (plan.ack.kind === "comment") {
            const id = /#post-([0-9a-f-]{36})/.exec(location)?.[1];
            acks.push(id ? { ...plan.ack, id } : plan.ack);
          } else acks.push(plan.ack);
        }
      },
    }));
  };

  // warm-up, not measured: every kind of page once per person (a cold server renders slowly at first)
  if (o.warmup !== false) {
    await Promise.all(
      people.map(async (p) => {
        for (const path of ["/", `/spaces/${world.spaceSlugs.get(p.spaces[0] ?? [...world.spaceSlugs.keys()][0])}`, `/search?q=${encodeURIComponent(pick(WORDS))}`]) {
          const res = await fetch(o.base + path, { headers: { cookie: p.cookie }, signal: AbortSignal.timeout(120_000) }).catch(() => null);
          await res?.body?.cancel().catch(() => undefined);
        }
      }),
    );
  }
  log(`[load] ${people.length} connections for ${o.durationSeconds} s, one write in ${o.writeEvery} requests (marker ${marker})`);
  let client = 0;
  const result = await autocannon({
    url: o.base,
    connections: people.length,
    duration: o.durationSeconds,
    timeout: 30,
    requests: [{ method: "GET", path: "/healthz" }],
    setupClient: (cl) => {
      const c = client++;
      cl.setRequests(requestsFor(people[c % people.length], c) as never);
    },
  });
  if (rssTimer) clearInterval(rssTimer);
  for (const u of unexpected) log(`[load] unexpected: ${u}`);
  log(`[load] ${acks.length} writes acknowledged; checking database, archive chain and index`);
  const check = await checkWrites(db, { orgId: world.orgId, marker, acks, base: o.base, meili: o.meili });
  const hwm = o.pid ? rssOf(o.pid, "VmHWM") : null;
  const round = (x: number) => Math.round(x * 10) / 10;
  const kinds: LoadReport["byKind"] = {};
  for (const [k, xs] of byKind) kinds[k] = { n: xs.length, p50: round(pct(xs, 50)), p95: round(pct(xs, 95)) };
  const requests = latencies.length;
  return {
    connections: people.length,
    durationSeconds: o.durationSeconds,
    requests,
    throughput: round(requests / o.durationSeconds),
    latency: { p50: round(pct(latencies, 50)), p95: round(pct(latencies, 95)), p99: round(pct(latencies, 99)), max: round(Math.max(0, ...latencies)) },
    byKind: kinds,
    status,
    transportErrors: result.errors,
    timeouts: result.timeouts,
    writes: { sent, acknowledged: acks.length },
    peakRssMb: hwm !== null ? round(Math.max(hwm, peakRss)) : peakRss ? round(peakRss) : null,
    check,
  };
}

export function printLoadReport(r: LoadReport, print: (s: string) => void = console.log) {
  const c = r.check;
  print(
    [
      `load: ${r.connections} signed-in connections for ${r.durationSeconds} s`,
      `  throughput ${r.throughput} requests/s (${r.requests} requests; target ≥ 300/s on the feed mix)`,
      `  latency p50 ${r.latency.p50} ms, p95 ${r.latency.p95} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms`,
      ...Object.entries(r.byKind).map(([k, v]) => `    ${k.padEnd(15)} n=${v.n} p50 ${v.p50} ms p95 ${v.p95} ms`),
      `  status: 2xx ${r.status["2xx"]}, 3xx ${r.status["3xx"]}, 4xx ${r.status["4xx"]}, 5xx ${r.status["5xx"]} (server errors; target 0); transport errors ${r.transportErrors}, timeouts ${r.timeouts}`,
      `  app peak memory (RSS): ${r.peakRssMb ?? "n/a"} MB (target ≤ 300 MB)`,
      `  writes: ${r.writes.sent} sent (those still in flight when the run stopped are not acknowledged), ${r.writes.acknowledged} acknowledged`,
      `    content ${c.content.acknowledged}: in PostgreSQL ${c.content.inDatabase}, in the archive chain ${c.content.inArchive}, in the index ${c.content.inIndex} (index waited ${c.indexWaitSeconds} s)`,
      `    reactions ${c.reactions.acknowledged}: in PostgreSQL ${c.reactions.inDatabase}, in the archive chain ${c.reactions.inArchive}`,
      `  lost writes: ${c.lost.database.length + c.lost.archive.length + c.lost.index.length} (target 0)${c.lost.database.length ? `; not in the database: ${c.lost.database.slice(0, 5).join(", ")}` : ""}${c.lost.archive.length ? `; not in the archive: ${c.lost.archive.slice(0, 5).join(", ")}` : ""}${c.lost.index.length ? `; not in the index: ${c.lost.index.slice(0, 5).join(", ")}` : ""}`,
    ].join("\n"),
  );
}
