// Shared by the benchmarks: the machine line, percentiles, and the median of three measured
// rounds (after a warm-up) with min and max, so a figure can be judged on any machine of the kind.
import os from "node:os";

export function machineLine(extra = "") {
  const cpu = os.cpus()[0]?.model ?? "cpu";
  const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
  return `machine: ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load ${load}; Node ${process.version}${extra ? `; ${extra}` : ""}`;
}

export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

export type Rounds = { p50: number[]; p95: number[]; p99: number[] };

/** `runs` sequential timings of `fn` per round, after `warmup` untimed calls; `rounds` rounds. */
export async function measureRounds(fn: () => Promise<unknown>, opts: { runs: number; rounds?: number; warmup?: number }): Promise<Rounds> {
  for (let i = 0; i < (opts.warmup ?? 20); i++) await fn();
  const out: Rounds = { p50: [], p95: [], p99: [] };
  for (let r = 0; r < (opts.rounds ?? 3); r++) {
    const xs: number[] = [];
    for (let i = 0; i < opts.runs; i++) {
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    out.p50.push(pct(xs, 50));
    out.p95.push(pct(xs, 95));
    out.p99.push(pct(xs, 99));
  }
  return out;
}

const median = (xs: number[]) => pct(xs, 50);

/** "p50 12.1 ms  p95 18.0 ms  p99 21.3 ms  (median of 3 rounds; p95 min 17.2 max 19.9)" */
export function formatRounds(r: Rounds) {
  const f = (x: number) => x.toFixed(1);
  return `p50 ${f(median(r.p50))} ms  p95 ${f(median(r.p95))} ms  p99 ${f(median(r.p99))} ms  (median of ${r.p95.length} rounds; p95 min ${f(Math.min(...r.p95))} max ${f(Math.max(...r.p95))})`;
}

export const medianP95 = (r: Rounds) => median(r.p95);

/** A target on a figure: `limit` is an upper bound unless `atLeast`. */
export type Target = { what: string; limit: number; unit: string; atLeast?: boolean; note?: string };

export const targetMet = (value: number, t: Target) => Number.isFinite(value) && (t.atLeast ? value >= t.limit : value <= t.limit);

/**
 * "target p95 ≤ 25 ms: met" or "target p95 ≤ 25 ms: NOT met (43.2 ms)": the words npm run bench
 * counts in a part's output, so a missed target shows in docs/benchmarks.md's summary.
 */
export function verdict(value: number, t: Target) {
  const shown = Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
  return `target ${t.what} ${t.atLeast ? "≥" : "≤"} ${t.limit} ${t.unit}${t.note ? ` (${t.note})` : ""}: ${targetMet(value, t) ? "met" : `NOT met (${shown} ${t.unit})`}`;
}

/**
 * Which parts `npm run bench` runs: `only` names them (any part), else `all`, else those in the
 * default run; `skip` removes some. An unknown name is an error, not a silently shorter run.
 */
export function selectParts<P extends { name: string; inDefaultRun?: boolean }>(parts: P[], o: { only?: string[]; skip?: string[]; all?: boolean }): P[] {
  const known = new Set(parts.map((p) => p.name));
  const unknown = [...(o.only ?? []), ...(o.skip ?? [])].filter((n) => !known.has(n));
  if (unknown.length) throw new Error(`unknown part(s): ${unknown.join(", ")} (parts: ${[...known].join(", ")})`);
  const chosen = o.only ? parts.filter((p) => o.only!.includes(p.name)) : parts.filter((p) => o.all || p.inDefaultRun);
  return chosen.filter((p) => !(o.skip ?? []).includes(p.name));
}

/** How many targets a part's printed lines say were missed ("NOT met", "MISSED", "below the … target", a FAIL verdict). */
export const missedTargets = (lines: string[]) => lines.reduce((n, l) => n + (l.match(/\bNOT met\b|\bMISSED\b|^FAIL\b|\bbelow the [^)]*target\b/g)?.length ?? 0), 0);
