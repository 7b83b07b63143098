import { applyAnalyticsEvents, ANALYTICS_TOPICS } from "~/analytics/events.server";
import { runAnalyticsRollups } from "~/analytics/rollup.server";
import { getDbHandle } from "~/db/client.server";
import { env } from "~/env.server";
import { createDailyCheckpoints } from "~/compliance/verify.server";
import { issueSetupToken } from "~/identity/accounts.server";
import { registerSearchConsumer } from "~/knowledge/indexer.server";
import { registerListeningConsumer } from "~/knowledge/listening.server";
import { pushSynonyms } from "~/knowledge/synonyms.server";
import { runDigests } from "~/notifications/digest.server";
import { notifyFromEvents } from "~/notifications/notifications.server";
import { registerConsumer } from "~/platform/outbox.server";
import { startWorkers, stopWorkers } from "~/platform/workers.server";
import { now } from "~/utils/clock.server";
import { getSearchService } from "../search/client";

// The wiring of the application, in one place: which capability consumes which outbox
// events, and which periodic jobs every instance runs. Nothing below this module
// registers anything as a side effect of being imported.

/** Registers every production outbox consumer (idempotent). Servers, scripts and tests call it before writing. */
export function registerConsumers() {
  registerConsumer({ name: "notifications", topics: ["content.created", "reaction.added"], handle: notifyFromEvents });
  registerSearchConsumer();
  registerListeningConsumer();
  // derived figures must converge: never dead-letter
  registerConsumer({ name: "analytics", topics: ANALYTICS_TOPICS, handle: applyAnalyticsEvents, maxAttempts: Infinity, batchSize: 200 });
}

const HOUR = 60 * 60_000;

/** Opens the database (migrating it), starts search and the background workers. */
export async function boot(opts: { publicUrl: string; workers?: boolean }) {
  registerConsumers();
  const handle = await getDbHandle();
  const token = await issueSetupToken();
  if (token) {
    console.log(`\nNo users yet. Create the first administrator (one-time link):\n  ${opts.publicUrl}/setup?token=${token}\n`);
  }
  // Search starts in the background; the app serves (degraded) meanwhile.
  void getSearchService().then((s) => (s ? pushSynonyms().catch(() => undefined) : undefined));
  if (opts.workers !== false) startBackground();
  return handle;
}

/** The outbox drain and the periodic jobs (checkpoints hourly, digests every 15 minutes). */
export function startBackground() {
  registerConsumers();
  startWorkers({
    outboxTickMs: env().OUTBOX_TICK_MS,
    jobs: [
      { name: "checkpoints", everyMs: HOUR, run: (db) => createDailyCheckpoints(db) },
      { name: "digests", everyMs: 15 * 60_000, run: (db) => runDigests(now(), db) },
      { name: "analytics-rollup", everyMs: 10 * 60_000, run: (db) => runAnalyticsRollups(db, now()) },
    ],
  });
}

export async function shutdownBackground() {
  await stopWorkers();
}
