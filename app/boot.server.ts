import { getDbHandle } from "~/db/client.server";
import { issueSetupToken } from "~/identity/accounts.server";
import { getSearchService } from "../search/client";
import { startWorkers, stopWorkers } from "~/platform/workers.server";
import { pushSynonyms } from "~/knowledge/synonyms.server";
import "~/platform/consumers.server";

/** Opens the database (migrating it), starts search and the background workers. */
export async function boot(opts: { publicUrl: string; workers?: boolean }) {
  const handle = await getDbHandle();
  const token = await issueSetupToken();
  if (token) {
    console.log(`\nNo users yet. Create the first administrator (one-time link):\n  ${opts.publicUrl}/setup?token=${token}\n`);
  }
  // Search starts in the background; the app serves (degraded) meanwhile.
  void getSearchService().then((s) => (s ? pushSynonyms().catch(() => undefined) : undefined));
  if (opts.workers !== false) startWorkers();
  return handle;
}

export async function shutdownBackground() {
  await stopWorkers();
}
