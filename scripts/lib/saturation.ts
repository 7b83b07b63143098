// The pure half of `npm run bench:saturation` (bench/saturation.ts): what one step measured, when to
// stop raising the write concurrency, and which resource saturated first, read from the signals
// (never named in advance). Kept apart from the bench so tests/integration/saturation.test.ts can
// make each rule fail.

export type StepSignals = {
  writers: number;
  seconds: number;
  acknowledged: number;
  errors: number;
  writesPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number };
  /** pg_stat_activity sampled every ~100 ms: average sessions of the app per state, over the samples */
  db: {
    samples: number;
    /** sessions of the app's pool not idle (running, waiting, or idle in a transaction) */
    busy: number;
    /** waiting on a heavyweight lock in a statement on chain_heads: the per-org chain head row */
    chainLockWaits: number;
    /** waiting on any heavyweight lock */
    lockWaits: number;
    /** the app's pool size (connections it may open) */
    poolSize: number;
  };
  /** the org's outbox deliveries */
  outbox: {
    pendingStart: number;
    pendingEnd: number;
    /**
     * Per consumer: deliveries created during the step, pending at the end minus at the start, and the
     * slope of its pending count (per second, sampled each second over the step's later two thirds):
     * a lane that keeps up holds a flat backlog (its latency), one that falls behind a rising one.
     */
    consumers: Record<string, { produced: number; growth: number; slopePerSecond: number }>;
  };
  /** engineBusy: share of the step Meilisearch spent processing tasks (from its tasks API) */
  meili: { queueStart: number; queueEnd: number; lagMs: number[]; tasks: number; engineBusy: number };
  /** cores used over the step (CPU seconds / wall seconds) */
  cpu: { app: number; postgres: number; meili: number; machineBusy: number };
  cores: number;
  appProcesses: number;
  load: number[];
};

/** Throughput grew by less than `minGrowth` (0.05: 5 %) over the previous step: stop raising. */
export function shouldStop(previous: { writesPerSecond: number } | undefined, current: { writesPerSecond: number }, minGrowth = 0.05): boolean {
  if (!previous) return false;
  return current.writesPerSecond < previous.writesPerSecond * (1 + minGrowth);
}

/**
 * Where the sweep stops: the index of the first step of a run of `patience` consecutive steps that
 * each grew < minGrowth over the best step before it (patience 1: over the previous step, as
 * shouldStop), or null while throughput still grows. A shared machine's noise can dip one step;
 * patience 2 asks for the plateau twice.
 */
export function plateauAt(steps: { writesPerSecond: number }[], minGrowth = 0.05, patience = 1): number | null {
  let run = 0;
  for (let i = 1; i < steps.length; i++) {
    const grew = patience === 1 ? !shouldStop(steps[i - 1], steps[i], minGrowth) : steps[i].writesPerSecond >= Math.max(...steps.slice(0, i).map((x) => x.writesPerSecond)) * (1 + minGrowth);
    run = grew ? 0 : run + 1;
    if (run >= patience) return i - patience + 1;
  }
  return null;
}

export type Resource = "archive-chain-lock" | "db-pool" | "app-cpu" | "postgres-cpu" | "machine-cpu" | "outbox" | "meilisearch";

export type Finding = { resource: Resource; score: number; evidence: string };

// Thresholds: a score ≥ 1 is saturated.
export const LIMITS = {
  /** share of the busy sessions that wait on the chain head */
  chainLockShare: 0.5,
  /** busy sessions / pool size */
  poolShare: 0.9,
  /** cores used by one Node process (its JavaScript runs on one thread) */
  appCoresPerProcess: 0.85,
  /** share of all cores busy (every process on the machine, /proc/stat) */
  machineShare: 0.9,
  /** a lane falls behind when its backlog rises by this share of what it is given each second */
  outboxBehind: 0.1,
  /** … and ends the step this many seconds of its input behind */
  lagSeconds: 5,
  /** share of the step Meilisearch spends processing tasks */
  engineBusy: 0.9,
};

const pctOf = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

/** What in this step is at (score ≥ 1) or near its limit, highest score first. */
export function findings(s: StepSignals): Finding[] {
  const out: Finding[] = [];
  const busy = Math.max(s.db.busy, 1e-9);
  if (s.db.chainLockWaits >= 1) {
    const share = s.db.chainLockWaits / busy;
    out.push({
      resource: "archive-chain-lock",
      score: share / LIMITS.chainLockShare,
      evidence: `${f1(s.db.chainLockWaits)} of ${f1(s.db.busy)} busy sessions wait on the org's chain head (${Math.round(share * 100)} %)`,
    });
  }
  if (s.db.poolSize > 0) {
    out.push({
      resource: "db-pool",
      score: s.db.busy / s.db.poolSize / LIMITS.poolShare,
      evidence: `${f1(s.db.busy)} of the app's ${s.db.poolSize} pooled connections busy on average`,
    });
  }
  out.push({
    resource: "app-cpu",
    score: s.cpu.app / (s.appProcesses * LIMITS.appCoresPerProcess),
    evidence: `the app used ${f2(s.cpu.app)} cores (${s.appProcesses} Node process${s.appProcesses > 1 ? "es" : ""})`,
  });
  // the machine: our processes' share counts against the limit; other processes' CPU is reported beside it
  const ours = s.cpu.app + s.cpu.postgres + s.cpu.meili;
  const machine = ours / (s.cores * LIMITS.machineShare);
  out.push({
    resource: "machine-cpu",
    score: machine,
    evidence: `app ${f2(s.cpu.app)} + PostgreSQL ${f2(s.cpu.postgres)} + Meilisearch ${f2(s.cpu.meili)} cores of ${s.cores} (the whole machine ${f2(s.cpu.machineBusy)} busy, other processes ${f2(Math.max(0, s.cpu.machineBusy - ours))})`,
  });
  // PostgreSQL's own CPU counts as the limit when it takes the largest share of what we used
  if (s.cpu.postgres >= s.cpu.app && s.cpu.postgres >= s.cpu.meili) {
    out.push({ resource: "postgres-cpu", score: machine * 1.01, evidence: `PostgreSQL backends used ${f2(s.cpu.postgres)} cores, more than the app (${f2(s.cpu.app)})` });
  }
  // A lane is behind when its backlog kept rising over the step's later part (slope ≥ 10 % of what it is
  // given a second) AND ended more than LIMITS.lagSeconds of its input above where it began (a batch in
  // flight at the end is latency, not saturation). The search lane records a batch done only after
  // Meilisearch has it: when the probes find new posts searchable within a second, its pending rows are
  // indexed documents waiting to be marked, so that lane is judged by the probes, not by its count.
  const fresh = s.meili.lagMs.length > 0 && pctOf(s.meili.lagMs, 50) < 1000;
  const behind = (l: { produced: number; growth: number; slopePerSecond: number }) => {
    if (l.produced <= 0) return 0;
    const rate = l.produced / s.seconds;
    return Math.min(Math.max(0, l.slopePerSecond) / rate / LIMITS.outboxBehind, Math.max(0, l.growth) / (rate * LIMITS.lagSeconds));
  };
  const lanes = Object.entries(s.outbox.consumers)
    .filter(([c, l]) => l.produced > 0 && !(c === "search" && fresh))
    .sort((a, b) => behind(b[1]) - behind(a[1]));
  if (lanes.length) {
    const [name, l] = lanes[0];
    out.push({
      resource: "outbox",
      score: behind(l),
      evidence: `the outbox's "${name}" lane backlog rose ${f1(l.slopePerSecond)}/s while it was given ${f1(l.produced / s.seconds)}/s, ${l.growth} more pending at the end (org pending ${s.outbox.pendingStart} → ${s.outbox.pendingEnd})`,
    });
  }
  const lag = s.meili.lagMs.length ? Math.max(...s.meili.lagMs) : 0;
  out.push({
    resource: "meilisearch",
    score: s.meili.engineBusy / LIMITS.engineBusy,
    evidence: `Meilisearch processed tasks ${Math.round(s.meili.engineBusy * 100)} % of the step (${s.meili.tasks} tasks, queue ${s.meili.queueStart} → ${s.meili.queueEnd})${lag ? `, commit → searchable up to ${Math.round(lag)} ms` : ""}`,
  });
  return out.sort((a, b) => b.score - a.score);
}

export type Verdict = {
  /** the earliest step where a signal reached its limit, and that resource */
  first: { step: number; resource: Resource } | null;
  /** the step whose throughput grew < minGrowth (null: it still grew at the last step) */
  stoppedAt: number | null;
  /** at that step, the write path's nearest limit (what acknowledged writes queued on) */
  limiting: Resource | null;
  line: string;
};

const NAMES: Record<Resource, string> = {
  "archive-chain-lock": "the per-org archive chain lock",
  "db-pool": "the app's PostgreSQL connection pool",
  "app-cpu": "the app process's CPU",
  "postgres-cpu": "PostgreSQL's CPU",
  "machine-cpu": "the machine's CPU",
  outbox: "the outbox",
  meilisearch: "Meilisearch indexing",
};

/** On the write path: an acknowledged write waits for these. The outbox and the indexer run after commit. */
export const ON_WRITE_PATH: Resource[] = ["archive-chain-lock", "db-pool", "app-cpu", "postgres-cpu", "machine-cpu"];

/**
 * The first resource to saturate (the earliest step where a signal reached its limit: the highest
 * score in that step) and, where throughput stopped growing, what the write path was bound by there.
 */
export function verdict(steps: StepSignals[], minGrowth = 0.05, patience = 1): Verdict {
  const stoppedAt = plateauAt(steps, minGrowth, patience);
  let first: Verdict["first"] = null;
  let firstText = "";
  for (let i = 0; i < steps.length && !first; i++) {
    const top = findings(steps[i])[0];
    if (top && top.score >= 1) {
      first = { step: i, resource: top.resource };
      firstText = `${NAMES[top.resource]} saturated first, at ${steps[i].writers} writer${steps[i].writers > 1 ? "s" : ""}: ${top.evidence}`;
    }
  }
  if (!first) firstText = `no signal reached its limit up to ${steps.at(-1)?.writers ?? 0} writers`;
  if (stoppedAt === null) return { first, stoppedAt, limiting: null, line: `verdict: ${firstText}; throughput still grew at ${steps.at(-1)?.writers ?? 0} writers` };
  const at = steps[stoppedAt];
  const path = findings(at).filter((x) => ON_WRITE_PATH.includes(x.resource))[0];
  const plateau = `throughput stopped growing at ${at.writers} writers (${f1(at.writesPerSecond)} writes/s after ${f1(steps[stoppedAt - 1].writesPerSecond)}${patience > 1 ? `; best ${f1(Math.max(...steps.map((x) => x.writesPerSecond)))} writes/s` : ""})`;
  return {
    first,
    stoppedAt,
    limiting: path?.resource ?? null,
    line: `verdict: ${firstText}; ${plateau}, the write path bound by ${path ? `${NAMES[path.resource]}${path.score >= 1 ? "" : " (nearest, below its limit)"}: ${path.evidence}` : "nothing measured"}`,
  };
}

export const resourceName = (r: Resource) => NAMES[r];

/** Least-squares slope of y over t (per unit of t); 0 with fewer than two distinct times. */
export function slope(points: { t: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / points.length;
  const my = points.reduce((a, p) => a + p.y, 0) / points.length;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.y - my);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * Share of [from, to] (ms since the epoch) during which Meilisearch processed a task, from its tasks
 * API (startedAt, finishedAt; a task still processing runs until `to`). Overlaps counted once.
 */
export function engineBusyShare(tasks: { startedAt: string | null; finishedAt: string | null }[], from: number, to: number): number {
  const spans = tasks
    .filter((t) => t.startedAt)
    .map((t) => [Math.max(from, Date.parse(t.startedAt!)), Math.min(to, t.finishedAt ? Date.parse(t.finishedAt) : to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let busy = 0;
  let end = from;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    busy += b - Math.max(a, end);
    end = b;
  }
  return to > from ? busy / (to - from) : 0;
}
