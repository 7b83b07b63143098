// npm run archive:verify [-- --checkpoints exported.json]
import fs from "node:fs";
import { verifyArchive, type ExternalCheckpoint } from "../app/compliance/verify.server";
import { argValue, progressBar, withDb } from "./cli";

const file = argValue("--checkpoints");
const checkpoints: ExternalCheckpoint[] | undefined = file ? JSON.parse(fs.readFileSync(file, "utf8")) : undefined;

const result = await withDb(async (db) => {
  const bar = progressBar("Verifying archive");
  const r = await verifyArchive(db, { onProgress: (d, t) => bar.update(d, t), checkpoints });
  bar.done();
  return r;
});

if (result.ok) {
  console.log(`OK: ${result.checked} records verified${checkpoints ? `, ${checkpoints.length} external checkpoints matched` : ""}.`);
  process.exit(0);
}
const p = result.problem!;
console.log(`BROKEN: ${p.chain} record id ${p.id} (org ${p.orgId}, seq ${p.seq}): ${p.reason}. ${result.checked} records verified before it.`);
process.exit(1);
