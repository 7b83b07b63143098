// npm run archive:verify [-- --checkpoints file] [-- --public-key key.pem[,old.pem…]]
// npm run archive:verify -- --export file.zip: checks an eDiscovery export alone, without the database.
// --checkpoints: signed checkpoints kept outside the database (a JSON array from archive:checkpoint --out,
// or the JSON-lines checkpoint log). Signatures are checked with the --public-key files (comma-separated,
// one per key the checkpoints were signed with), by default this installation's current and retired keys
// (ATRIUM_CHECKPOINT_KEY or $ATRIUM_DATA_DIR/keys/checkpoint-ed25519.pem; ATRIUM_CHECKPOINT_RETIRED_KEYS and
// $ATRIUM_DATA_DIR/keys/retired/).
import fs from "node:fs";
import { parseCheckpointFile, readPublicKey } from "../app/compliance/checkpoints.server";
import { verifyArchive } from "../app/compliance/verify.server";
import { verifyExportFile } from "../app/records/export-verify.server";
import { argValue, progressBar, withDb } from "./cli";

const exportFile = argValue("--export");
if (exportFile) {
  const r = await verifyExportFile(exportFile);
  if (r.ok) {
    console.log(`OK: export ${exportFile}: ${r.records} records and ${r.messages} messages match the manifest and their chain hashes (chain head seq ${r.chainHead.seq}, ${r.chainHead.hash}).`);
    process.exit(0);
  }
  console.log(`BROKEN: export ${exportFile}: ${r.problem}.`);
  process.exit(1);
}

const file = argValue("--checkpoints");
const keyFile = argValue("--public-key");
const checkpoints = file ? parseCheckpointFile(fs.readFileSync(file, "utf8")) : undefined;
const publicKeys = keyFile ? keyFile.split(",").map((f) => readPublicKey(fs.readFileSync(f.trim(), "utf8"))) : undefined;

const result = await withDb(async (db) => {
  const bar = progressBar("Verifying archive");
  const r = await verifyArchive(db, { onProgress: (d, t) => bar.update(d, t), checkpoints, publicKeys });
  bar.done();
  return r;
});

if (result.ok) {
  console.log(`OK: ${result.checked} records verified${checkpoints ? `, ${checkpoints.length} signed external checkpoints matched` : ""}.`);
  process.exit(0);
}
const p = result.problem!;
const where =
  p.reason === "sequence gap"
    ? `seq ${p.seq} is missing${p.id === null ? " at the end of the chain" : ` (next record id ${p.id})`}`
    : p.id === null
      ? `seq ${p.seq ?? "?"}`
      : `record id ${p.id} (seq ${p.seq})`;
console.log(`BROKEN: ${p.chain} chain of org ${p.orgId}, ${where}: ${p.reason}. ${result.checked} records verified before it.`);
process.exit(1);
