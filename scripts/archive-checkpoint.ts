// npm run archive:checkpoint [-- --out checkpoints.json]
// Records today's chain heads and exports every checkpoint, for safekeeping outside Atrium.
import fs from "node:fs";
import { createDailyCheckpoints, exportCheckpoints } from "../app/compliance/verify.server";
import { argValue, withDb } from "./cli";

const out = argValue("--out");
const all = await withDb(async (db) => {
  await createDailyCheckpoints(db);
  return exportCheckpoints(db);
});
const json = JSON.stringify(all, null, 2);
if (out) {
  fs.writeFileSync(out, json);
  console.log(`Wrote ${all.length} checkpoints to ${out}.`);
} else {
  console.log(json);
}
