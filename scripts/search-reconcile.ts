// npm run search:reconcile [-- --dry-run] — compare PostgreSQL and the index, repair differences, print what was fixed.
import { reconcile } from "../app/knowledge/indexer.server";
import { stopSearchService } from "../search/client";
import { progressBar, withDb } from "./cli";

const dryRun = process.argv.includes("--dry-run");
try {
  const r = await withDb(async (db) => {
    const bar = progressBar("Comparing");
    const out = await reconcile(db, { fix: !dryRun, onProgress: (d, t) => bar.update(d, t) });
    bar.done();
    return out;
  });
  console.log(
    `Checked ${r.checked} documents: ${r.missing} missing, ${r.stale} stale, ${r.extra} extra.` +
      (dryRun ? " (dry run: nothing changed)" : ` Fixed ${r.fixed}.`),
  );
} catch (e) {
  console.error(`Reconcile failed: ${(e as Error).message}`);
  process.exitCode = 1;
} finally {
  await stopSearchService();
}
