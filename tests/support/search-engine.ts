import { afterAll, beforeAll } from "vitest";
import { getDb, type Db } from "../../app/db/client.server";
import { reindexAll } from "../../app/knowledge/indexer.server";
import { drainAll } from "../../app/platform/outbox.server";
import { settle, testMeili } from "../../scripts/lib/meili";

/**
 * A test file's own Meilisearch (a real process, its own index prefix), registered as the file's
 * first beforeAll/afterAll. It starts from an index rebuilt from this worker's database (other
 * files in the worker may have indexed into another engine); the outbox carries every later write.
 * `sync()` drains the outbox and waits until the engine has applied it.
 */
export function useSearchEngine() {
  const meili = testMeili();
  let db: Db | null = null;
  beforeAll(async () => {
    process.env.OUTBOX_BACKOFF_MS = "5";
    db = await getDb();
    await meili.start();
    await reindexAll(db);
    await drainAll(db);
  }, 90_000);
  afterAll(async () => {
    await meili.stop();
    delete process.env.OUTBOX_BACKOFF_MS;
  });
  const engine = {
    meili,
    get db(): Db {
      if (!db) throw new Error("useSearchEngine: the database is ready in beforeAll, not before");
      return db;
    },
    async sync() {
      while ((await drainAll(engine.db)) > 0);
      await settle();
    },
  };
  return engine;
}
