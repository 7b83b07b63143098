import { applyAnalyticsEvents, ANALYTICS_TOPICS } from "~/analytics/events.server";
import { runAnalyticsRollups } from "~/analytics/rollup.server";
import { getDbHandle } from "~/db/client.server";
import { env } from "~/env.server";
import { createDailyCheckpoints } from "~/compliance/checkpoints.server";
import { issueSetupToken } from "~/identity/accounts.server";
import { whatsWorking } from "~/discovery/library.server";
import { expireDue } from "~/discovery/review.server";
import { engagementFromEvents } from "~/discovery/signals.server";
import { registerSearchConsumer } from "~/knowledge/indexer.server";
import { registerListeningConsumer } from "~/knowledge/listening.server";
import { pushSynonyms } from "~/knowledge/synonyms.server";
import { runDigests } from "~/notifications/digest.server";
import { runQaClock } from "~/qa/clock.server";
import { runExportJobs } from "~/records/export.server";
import { runRetention } from "~/records/retention.server";
import { notifyFromEvents } from "~/notifications/notifications.server";
import { registerExpertiseConsumer } from "~/people/expertise.server";
import { archiveStreamConsumer } from "~/integrations/archive-stream.server";
import { webhooksConsumer } from "~/integrations/webhooks.server";
import { registerConsumer } from "~/platform/outbox.server";
import { scanEvents, SUPERVISION_TOPICS } from "~/supervision/scan.server";
import { startWorkers, stopWorkers } from "~/platform/workers.server";
import { now } from "~/utils/clock.server";
import { getSearchService } from "../search/client";

// The wiring of the application, in one place: which capability consumes which outbox
// events, and which periodic jobs every instance runs. Nothing below this module
// registers anything as a side effect of being imported.

/** Registers every production outbox consumer (idempotent). Servers, scripts and tests call it before writing. */
export function registerConsumers() {
  registerConsumer({ name: "notifications", topics: ["content.created", "content.published", "content.approval", "reaction.added", "qa.question.", "qa.answer."], handle: notifyFromEvents });
  registerSearchConsumer();
  registerListeningConsumer();
  registerConsumer({
    name: "discovery",
    topics: ["content.created", "content.updated", "reaction.", "qa.vote.changed", "qa.answer.accepted", "discovery.saved", "discovery.unsaved"],
    handle: engagementFromEvents,
  });
  registerExpertiseConsumer();
  // derived figures must converge: never dead-letter
  // supervision: lexicon policies and the random sample feed the review queue (exactly once, in Postgres)
  registerConsumer({ name: "supervision", topics: SUPERVISION_TOPICS, handle: scanEvents, batchSize: 100 });
  registerConsumer({ name: "analytics", topics: ANALYTICS_TOPICS, handle: applyAnalyticsEvents, maxAttempts: Infinity, batchSize: 200 });
  // the external archive: signed, at least once, in order (app/integrations)
  registerConsumer(archiveStreamConsumer);
  registerConsumer(webhooksConsumer);
}

const HOUR = 60 * 60_000;

/**
 * What must finish before the app serves pages: the database opened and migrated (and the
 * one-time setup link printed on an empty database). Everything slower waits for `afterListen`.
 */
export async function boot(opts: { publicUrl: string; setupLink?: boolean }) {
  registerConsumers();
  const handle = await getDbHandle();
  // in cluster mode the primary prints the link once, before the workers start
  const token = opts.setupLink === false ? null : await issueSetupToken();
  if (token) {
    console.log(`\nNo users yet. Create the first administrator (one-time link):\n  ${opts.publicUrl}/setup?token=${token}\n`);
  }
  return handle;
}

/**
 * After the server answers: start search (the app serves, degraded, meanwhile), push synonyms,
 * and start the outbox catch-up and periodic jobs. Never awaited by the caller's readiness.
 */
export function afterListen(opts: { workers?: boolean } = {}) {
  void getSearchService().then((s) => (s ? pushSynonyms().catch(() => undefined) : undefined));
  if (opts.workers !== false) startBackground();
}

/** The outbox drain and the periodic jobs (checkpoints hourly, digests every 15 minutes, the Q&A clock every minute). */
export function startBackground() {
  registerConsumers();
  startWorkers({
    outboxTickMs: env().OUTBOX_TICK_MS,
    jobs: [
      { name: "checkpoints", everyMs: HOUR, run: (db) => createDailyCheckpoints(db) },
      { name: "digests", everyMs: 15 * 60_000, run: (db) => runDigests(now(), db, whatsWorking) },
      // Q&A response clock: routing, escalation, re-verify reminders (claimed per question)
      { name: "qa-clock", everyMs: 60_000, run: (db) => runQaClock(db, now()) },
      // approved items past their re-verify date go stale (a conditional UPDATE claims each one)
      { name: "reverify", everyMs: 5 * 60_000, run: (db) => expireDue(db, now()) },
      { name: "analytics-rollup", everyMs: 10 * 60_000, run: (db) => runAnalyticsRollups(db, now()) },
      // records: retention expiry (per-org advisory lock: one instance at a time per org), hourly
      { name: "retention", everyMs: HOUR, run: (db) => runRetention(db, now()).then(() => undefined) },
      // records: eDiscovery exports (claimed under a lease), and removal of files past their keep time
      { name: "record-exports", everyMs: 5_000, run: (db) => runExportJobs(db, now()) },
    ],
  });
}

export async function shutdownBackground() {
  await stopWorkers();
}
