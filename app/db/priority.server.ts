import { AsyncLocalStorage } from "node:async_hooks";

// Requests first, background work after. The embedded PGlite runs one query or transaction at a
// time, first come first served: an outbox batch that queued its transaction a moment before the
// author's redirect GET made that GET wait for every consumer's batch (measured: post submit →
// visible p95 1.2 s, /healthz 0.6 s, `npm run bench:write`). So background work (outbox drains and
// periodic jobs, marked with `inBackground`) queues at a gate: one background database operation at
// a time, and only once no request has been in flight for a short grace (the browser's follow-up
// GET after a redirect). A request then waits for at most the one background operation already
// running. `maxWaitMs` bounds the wait so that a steady stream of requests cannot starve workers.

type State = { inFlight: number; lastEndAt: number; slot: Promise<void>; waiting: number };
const state = (((globalThis as Record<string, unknown>).__atriumPriority ??= {
  inFlight: 0,
  lastEndAt: 0,
  slot: Promise.resolve(),
  waiting: 0,
}) as State);

// Each background run carries a waiting budget: its operations yield to requests until it is spent,
// then only queue behind other background work. Without it a job of a few hundred small queries
// (an export) crawled while a page polled its progress: up to maxWaitMs per query.
type Run = { budgetMs: number };
const background = (((globalThis as Record<string, unknown>).__atriumBackgroundRun ??= new AsyncLocalStorage<Run>()) as AsyncLocalStorage<Run>);

export const GATE = { quietMs: 60, maxWaitMs: 1_000 };

/** Marks a request in flight; call the returned function once when its response is finished. */
export function beginForeground(): () => void {
  state.inFlight++;
  let done = false;
  return () => {
    if (done) return;
    done = true;
    state.inFlight--;
    state.lastEndAt = Date.now();
  };
}

/** Requests in flight now (for tests and /healthz-style introspection). */
export function foregroundInFlight() {
  return state.inFlight;
}

/** Runs `fn` as background work: its PGlite operations wait at the gate (see above). */
export function inBackground<T>(fn: () => Promise<T>): Promise<T> {
  return background.run({ budgetMs: GATE.maxWaitMs }, fn);
}

export function isBackground() {
  return background.getStore() !== undefined;
}

/** Resolves once no request is in flight and the last one ended `quietMs` ago, or after `maxWaitMs`. */
export async function foregroundQuiet(opts: { quietMs?: number; maxWaitMs?: number } = {}) {
  const quietMs = opts.quietMs ?? GATE.quietMs;
  const end = Date.now() + (opts.maxWaitMs ?? GATE.maxWaitMs);
  for (;;) {
    const now = Date.now();
    if (now >= end) return;
    const sinceEnd = now - state.lastEndAt;
    if (state.inFlight === 0 && sinceEnd >= quietMs) return;
    const wait = state.inFlight === 0 ? quietMs - sinceEnd : Math.min(quietMs, 20);
    await new Promise((r) => setTimeout(r, Math.max(1, Math.min(wait, end - now))));
  }
}

/**
 * Runs one background database operation when its turn comes: after the background operation
 * before it, and after requests have gone quiet. Foreground callers run `op` at once.
 */
export async function gated<T>(op: () => Promise<T>): Promise<T> {
  const run = background.getStore();
  if (!run) return op();
  const prev = state.slot;
  let release!: () => void;
  state.slot = new Promise<void>((r) => (release = r));
  state.waiting++;
  try {
    await prev;
    if (run.budgetMs > 0) {
      const t0 = Date.now();
      await foregroundQuiet({ maxWaitMs: run.budgetMs });
      run.budgetMs -= Date.now() - t0;
    }
    return await op();
  } finally {
    state.waiting--;
    release();
  }
}
