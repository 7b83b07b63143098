// One reindex at a time per set of indexes, whatever the number of instances: a second `npm run
// search:reindex` (another instance, another operator) would delete and refill the first one's `_next`
// index. The lock is a PostgreSQL session-level advisory lock held for the whole rebuild.
import { describe, expect, it } from "vitest";
import { getDb, LockBusyError, withSessionLock } from "../../app/db/client.server";
import { reindexAll, ReindexBusyError, reindexLockKey } from "../../app/knowledge/indexer.server";

const usingPostgres = !!process.env.TEST_DATABASE_URL;

describe.skipIf(!usingPostgres)("the reindex lock on PostgreSQL", () => {
  it("refuses a second holder of the same key while the first runs, and frees it after, even on failure", async () => {
    const db = await getDb();
    const key = `test.lock:${Math.random()}`;
    const order: string[] = [];
    await withSessionLock(db, key, async () => {
      order.push("first");
      await expect(withSessionLock(db, key, async () => order.push("second"))).rejects.toBeInstanceOf(LockBusyError);
      await withSessionLock(db, `${key}:other`, async () => order.push("other key")); // another key is free
    });
    await withSessionLock(db, key, async () => order.push("after"));
    await expect(withSessionLock(db, key, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await withSessionLock(db, key, async () => order.push("after a failure"));
    expect(order).toEqual(["first", "other key", "after", "after a failure"]);
  });

  it("refuses a reindex while another holds the indexes' lock, before touching the engine", async () => {
    const db = await getDb();
    await withSessionLock(db, reindexLockKey(), async () => {
      await expect(reindexAll(db)).rejects.toBeInstanceOf(ReindexBusyError);
      await expect(reindexAll(db)).rejects.toThrow(/Another reindex of these indexes is running/);
    });
  });
});
