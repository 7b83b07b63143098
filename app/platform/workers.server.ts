import { getDb } from "~/db/client.server";
import { createDailyCheckpoints } from "~/compliance/verify.server";
import { runDigests } from "~/feed/digest.server";
import { now } from "~/utils/clock.server";
import { drainAll, onOutboxNudge } from "./outbox.server";

// Every app instance runs these loops. They are safe side by side: deliveries are
// claimed with FOR UPDATE SKIP LOCKED, checkpoints are unique per org, chain and day, and
// each digest is claimed by a conditional UPDATE of users.last_digest_at before it is sent.

type State = { timers: NodeJS.Timeout[]; running: Promise<unknown> | null; stopped: boolean; unsubscribe?: () => void };
const state: State = (((globalThis as Record<string, unknown>).__atriumWorkers ??= {
  timers: [],
  running: null,
  stopped: true,
}) as State);

const OUTBOX_TICK_MS = Number(process.env.OUTBOX_TICK_MS ?? 200);
const CHECKPOINT_TICK_MS = 60 * 60_000;
const DIGEST_TICK_MS = 15 * 60_000;

function loop(fn: () => Promise<unknown>, every: number) {
  const tick = async () => {
    if (state.stopped) return;
    const p = fn().catch((e) => console.error("[worker]", (e as Error).message));
    state.running = p;
    await p;
    state.running = null;
    if (!state.stopped) state.timers.push(setTimeout(tick, every));
  };
  state.timers.push(setTimeout(tick, 0));
}

let draining: Promise<unknown> | null = null;
let again = false;
/** Drains now; a nudge while a drain runs schedules exactly one more pass. */
function drainNow() {
  if (state.stopped) return;
  if (draining) {
    again = true;
    return;
  }
  draining = (async () => {
    do {
      again = false;
      await drainAll(await getDb()).catch((e) => console.error("[outbox]", (e as Error).message));
    } while (again && !state.stopped);
  })().finally(() => (draining = null));
}

export function startWorkers() {
  if (!state.stopped) return;
  state.stopped = false;
  state.unsubscribe = onOutboxNudge(drainNow);
  loop(async () => drainAll(await getDb()), OUTBOX_TICK_MS);
  loop(async () => createDailyCheckpoints(await getDb()), CHECKPOINT_TICK_MS);
  loop(async () => runDigests(now(), await getDb()), DIGEST_TICK_MS);
}

export async function stopWorkers() {
  state.stopped = true;
  state.unsubscribe?.();
  await draining;
  for (const t of state.timers) clearTimeout(t);
  state.timers = [];
  await state.running;
}
