// npm run archive:checkpoint [-- --out checkpoints.json] [-- --public-key] [-- --rotate-key]
// Signs today's chain heads and exports every signed checkpoint, for safekeeping outside Atrium.
// --public-key prints the public half of the signing key (PEM) and exits.
// --rotate-key replaces the key file: the old public half is kept under keys/retired/ (earlier
// checkpoints keep verifying), the old private key is destroyed; running instances pick up the new one.
import fs from "node:fs";
import { registerConsumers } from "../app/boot.server";
import { checkpointKey, createDailyCheckpoints, exportCheckpoints, rotateFileKey } from "../app/compliance/checkpoints.server";
import { argValue, withDb } from "./cli";

if (process.argv.includes("--public-key")) {
  const k = checkpointKey();
  process.stdout.write(k.publicKeyPem);
  console.error(`Ed25519 key id ${k.keyId} (from ${k.source})`);
  process.exit(0);
}

if (process.argv.includes("--rotate-key")) {
  const { retired, current } = rotateFileKey();
  console.log(`Checkpoint key ${retired} retired (public half kept in keys/retired/${retired}.pem); new key ${current}.`);
  process.exit(0);
}

// Each new checkpoint is also emitted as an outbox event: the wiring must be in place.
registerConsumers();
const out = argValue("--out");
const all = await withDb(async (db) => {
  await createDailyCheckpoints(db);
  return exportCheckpoints(db);
});
const json = JSON.stringify(all, null, 2);
if (out) {
  fs.writeFileSync(out, json);
  console.log(`Wrote ${all.length} signed checkpoints to ${out} (key id ${checkpointKey().keyId}).`);
} else {
  console.log(json);
}
