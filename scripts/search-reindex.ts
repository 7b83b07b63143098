// npm run search:reindex — rebuild the indexes from PostgreSQL into new indexes and swap them in atomically.
import { reindexAll } from "../app/knowledge/indexer.server";
import { pushSynonyms } from "../app/knowledge/synonyms.server";
import { stopSearchService } from "../search/client";
import { progressBar, withDb } from "./cli";

try {
  const report = await withDb(async (db) => {
    const bar = progressBar("Reindexing");
    const r = await reindexAll(db, (d, t) => bar.update(d, t));
    bar.done();
    await pushSynonyms(db);
    return r;
  });
  console.log(`Reindexed ${report.documents} documents in ${report.seconds.toFixed(1)} s (${Math.round(report.docsPerSecond)} documents/s), swapped in atomically.`);
} catch (e) {
  console.error(`Reindex failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await stopSearchService();
}
