import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { query, type Db } from "~/db/client.server";
import { dataDir, env } from "~/env.server";
import { now } from "~/utils/clock.server";
import { canonicalAt, canonicalJson, storedAt, type ChainName } from "./chain.server";
import { runCommand } from "./command.server";

// Daily checkpoints signed with Ed25519 by a key that never enters the database, and sent
// out of it (an append-only JSON-lines file and the outbox topic `archive.checkpoint`).
// Whoever can rewrite the database cannot forge a signature, so a consistent rewrite of a
// chain (a record plus every later hash) fails against any checkpoint kept outside.

export const CHECKPOINT_TOPIC = "archive.checkpoint";

/** The statement that is signed: one chain's head on one day. */
export type CheckpointStatement = {
  v: 1;
  orgId: string;
  chain: ChainName;
  seq: number;
  hash: string;
  day: string;
  at: string;
  keyId: string;
};

export type SignedCheckpoint = CheckpointStatement & { signature: string };

export type CheckpointKey = { privateKey: KeyObject; publicKey: KeyObject; keyId: string; publicKeyPem: string; source: string };

const holder = ((globalThis as Record<string, unknown>).__atriumCheckpointKey ??= {}) as { key?: CheckpointKey; from?: string };

export function keyFile() {
  return path.join(dataDir(), "keys", "checkpoint-ed25519.pem");
}

export function checkpointLogFile() {
  return path.join(dataDir(), "archive", "checkpoints.jsonl");
}

/** Key id: the first 16 hex digits of SHA-256 over the public key (SPKI DER). */
export function keyIdOf(publicKey: KeyObject) {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

function parsePrivateKey(text: string): KeyObject {
  const k = text.includes("BEGIN")
    ? createPrivateKey({ key: text.replace(/\\n/g, "\n") })
    : createPrivateKey({ key: Buffer.from(text, "base64"), format: "der", type: "pkcs8" });
  if (k.asymmetricKeyType !== "ed25519") throw new Error("the checkpoint key must be an Ed25519 private key");
  return k;
}

function fileKey(): KeyObject {
  const file = keyFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    const { privateKey } = generateKeyPairSync("ed25519");
    // "wx": never overwrite; a process racing us reads the winner's key below
    fs.writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), { flag: "wx", mode: 0o600 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  return parsePrivateKey(fs.readFileSync(file, "utf8"));
}

function fileStamp(file: string) {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.mtimeMs}`;
  } catch {
    return "none";
  }
}

/** ATRIUM_CHECKPOINT_KEY (every instance the same), else a key file created on first use under the data dir. */
export function checkpointKey(): CheckpointKey {
  const configured = env().ATRIUM_CHECKPOINT_KEY;
  // a changed key is picked up: a new env value, or a key file replaced by a rotation on any instance
  const from = configured ? `env:${configured}` : `${keyFile()}@${fileStamp(keyFile())}`;
  if (!holder.key || holder.from !== from) {
    const privateKey = configured ? parsePrivateKey(configured) : fileKey();
    const publicKey = createPublicKey(privateKey);
    holder.key = {
      privateKey,
      publicKey,
      keyId: keyIdOf(publicKey),
      publicKeyPem: String(publicKey.export({ type: "spki", format: "pem" })),
      source: configured ? "ATRIUM_CHECKPOINT_KEY" : keyFile(),
    };
    holder.from = from;
  }
  return holder.key;
}

export function readPublicKey(pem: string): KeyObject {
  const text = pem.trim().replace(/\\n/g, "\n");
  const k = text.includes("BEGIN") ? createPublicKey(text) : createPublicKey({ key: Buffer.from(text, "base64"), format: "der", type: "spki" });
  if (k.asymmetricKeyType !== "ed25519") throw new Error("the checkpoint public key must be Ed25519");
  return k;
}

export function retiredKeysDir() {
  return path.join(dataDir(), "keys", "retired");
}

/**
 * The public keys whose checkpoints still verify: the current key, and the retired ones
 * (ATRIUM_CHECKPOINT_RETIRED_KEYS — comma-separated PEM or base64 SPKI — and the public halves
 * that `archive:rotate-key` keeps under $ATRIUM_DATA_DIR/keys/retired/). A retired key never
 * signs again: only its public half is kept.
 */
export function trustedCheckpointKeys(): KeyObject[] {
  const keys = [checkpointKey().publicKey];
  for (const text of (env().ATRIUM_CHECKPOINT_RETIRED_KEYS ?? "").split(",").map((t) => t.trim()).filter(Boolean)) keys.push(readPublicKey(text));
  const dir = retiredKeysDir();
  if (fs.existsSync(dir)) for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".pem")).sort()) keys.push(readPublicKey(fs.readFileSync(path.join(dir, f), "utf8")));
  return keys;
}

/**
 * Replaces the installation's file key (ATRIUM_CHECKPOINT_KEY is rotated by setting a new value
 * and listing the old public key in ATRIUM_CHECKPOINT_RETIRED_KEYS). The old public half is kept
 * under keys/retired/<key id>.pem so earlier checkpoints keep verifying; the old private key is
 * destroyed, so nothing can be signed with it again. Run it on one instance, then restart the others.
 */
export function rotateFileKey(): { retired: string; current: string } {
  if (env().ATRIUM_CHECKPOINT_KEY) throw new Error("ATRIUM_CHECKPOINT_KEY is set: rotate it by setting a new value and listing the old public key in ATRIUM_CHECKPOINT_RETIRED_KEYS");
  const old = checkpointKey();
  fs.mkdirSync(retiredKeysDir(), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(retiredKeysDir(), `${old.keyId}.pem`), old.publicKeyPem, { mode: 0o644 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const tmp = `${keyFile()}.${process.pid}.new`;
  fs.writeFileSync(tmp, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  fs.renameSync(tmp, keyFile()); // atomic: a reader sees the old key or the new one, never half of one
  holder.key = undefined;
  return { retired: old.keyId, current: checkpointKey().keyId };
}

const statementOf = (c: CheckpointStatement): CheckpointStatement => ({
  v: 1,
  orgId: c.orgId,
  chain: c.chain,
  seq: c.seq,
  hash: c.hash,
  day: c.day,
  at: c.at,
  keyId: c.keyId,
});

export function signCheckpoint(c: Omit<CheckpointStatement, "v" | "keyId">, key = checkpointKey()): SignedCheckpoint {
  const statement = statementOf({ ...c, v: 1, keyId: key.keyId });
  const signature = sign(null, Buffer.from(canonicalJson(statement)), key.privateKey).toString("base64");
  return { ...statement, signature };
}

/** The key among `keys` that signed `c` (by key id), if any. */
export function signerOf(c: SignedCheckpoint, keys: KeyObject[]): KeyObject | null {
  return keys.find((k) => keyIdOf(k) === c.keyId) ?? null;
}

/** True when `c` was signed by `publicKey` exactly as it stands (every field is covered). */
export function checkSignature(c: SignedCheckpoint, publicKey: KeyObject): boolean {
  if (typeof c.signature !== "string" || c.keyId !== keyIdOf(publicKey)) return false;
  try {
    return verify(null, Buffer.from(canonicalJson(statementOf(c))), publicKey, Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

/** Reads an exported checkpoint file: a JSON array (archive:checkpoint --out) or JSON lines (the checkpoint log). */
export function parseCheckpointFile(text: string): SignedCheckpoint[] {
  const t = text.trim();
  if (t === "") return [];
  if (t.startsWith("[")) return JSON.parse(t) as SignedCheckpoint[];
  return t.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as SignedCheckpoint);
}

type Head = { org_id: string; chain: ChainName; seq: string | number; hash: string };

/**
 * Signs today's head of every chain and records it once per org, chain and day (any number
 * of instances may run it). Only a head that matches its own last record is signed: a key
 * must never vouch for a head row someone edited. Each new checkpoint is appended to the
 * checkpoint log and emitted as `archive.checkpoint` in the same transaction as its row.
 */
export async function createDailyCheckpoints(db: Db): Promise<SignedCheckpoint[]> {
  const t = now();
  const day = t.toISOString().slice(0, 10);
  const key = checkpointKey();
  const created = await runCommand(db, async ({ tx, emit }) => {
    const heads = await query<Head>(
      tx,
      sql`select h.org_id, h.chain, h.seq, h.hash from chain_heads h
          where h.seq > 0
            and not exists (select 1 from checkpoints c where c.org_id = h.org_id and c.chain = h.chain and c.day = ${day})
            and h.hash = case h.chain
              when 'archive' then (select r.hash from archive_records r where r.org_id = h.org_id and r.seq = h.seq)
              when 'audit' then (select a.hash from audit_log a where a.org_id = h.org_id and a.seq = h.seq)
            end
          order by h.org_id, h.chain`,
    );
    const out: SignedCheckpoint[] = [];
    for (const h of heads) {
      const cp = signCheckpoint({ orgId: h.org_id, chain: h.chain, seq: Number(h.seq), hash: h.hash, day, at: canonicalAt(t) }, key);
      const inserted = await query<{ id: string | number }>(
        tx,
        sql`insert into checkpoints (org_id, chain, seq, hash, day, at, key_id, signature)
            values (${cp.orgId}, ${cp.chain}, ${cp.seq}, ${cp.hash}, ${day}, ${t.toISOString()}::timestamptz, ${cp.keyId}, ${cp.signature})
            on conflict (org_id, chain, day) do nothing returning id`,
      );
      if (inserted.length === 0) continue; // another instance signed this one
      await emit({ orgId: cp.orgId, topic: CHECKPOINT_TOPIC, subjectId: `${cp.orgId}:${cp.chain}:${cp.day}`, payload: cp });
      out.push(cp);
    }
    // Written before commit: if the commit then fails, the line is still a true signed statement.
    appendCheckpointLog(out);
    return out;
  });
  return created;
}

export function appendCheckpointLog(cps: SignedCheckpoint[]) {
  if (cps.length === 0) return;
  const file = checkpointLogFile();
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.appendFileSync(file, cps.map((c) => JSON.stringify(c) + "\n").join(""), { mode: 0o600 });
}

/** Every stored checkpoint as signed statements (for safekeeping outside Atrium). */
export async function exportCheckpoints(db: Db, orgId?: string): Promise<SignedCheckpoint[]> {
  const rows = await query<{ org_id: string; chain: ChainName; seq: string | number; hash: string; day: string; at: string; key_id: string | null; signature: string | null }>(
    db,
    sql`select org_id, chain, seq, hash, day, ${storedAt("at")} as at, key_id, signature from checkpoints
        ${orgId ? sql`where org_id = ${orgId}` : sql``} order by org_id, day, chain`,
  );
  return rows.map((r) => ({
    v: 1,
    orgId: r.org_id,
    chain: r.chain,
    seq: Number(r.seq),
    hash: r.hash,
    day: r.day,
    at: r.at,
    keyId: r.key_id ?? "",
    signature: r.signature ?? "",
  }));
}
