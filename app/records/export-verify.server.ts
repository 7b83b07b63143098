import { createHash } from "node:crypto";
import yauzl from "yauzl";
import yazl from "yazl";
import fs from "node:fs";
import { archiveRecord } from "~/compliance/archive.server";
import { chainHash } from "~/compliance/chain.server";
import { expiredMarker } from "~/compliance/verify.server";
import { addBuffer, addStreamed } from "./zip-layout.server";

// Checks an eDiscovery export with nothing but the file: every file's SHA-256 against the
// manifest, no file unlisted or missing, every record's hash recomputed from the record it
// carries, the records' links where they are consecutive, the manifest's record hashes and
// the chain head. Never opens the database.

export type ExportCheck = { ok: true; records: number; messages: number; chainHead: { seq: number; hash: string | null } } | { ok: false; problem: string };

/** The zip the exporter would have written for these entries, in this order (zip-layout.server.ts). */
async function rebuild(names: string[], entries: Map<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const n of names) {
    const buf = entries.get(n)!;
    if (n === "records.jsonl") addStreamed(zip, n, { buffer: buf }, buf.length);
    else addBuffer(zip, n, buf);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("unreadable zip"));
      const out = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (out.has(entry.fileName)) return reject(new Error(`duplicate entry ${entry.fileName}`));
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error("unreadable entry"));
          const chunks: Buffer[] = [];
          stream.on("data", (c: Buffer) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            out.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

type Line = {
  record: { id: number; orgId: string; seq: number; subjectKind: string; subjectId: string; version: number; action: string; actorId: string; at: string; data: Record<string, unknown> };
  prevHash: string;
  hash: string;
};

export async function verifyExportFile(file: string): Promise<ExportCheck> {
  let entries: Map<string, Buffer>;
  try {
    entries = await readZip(file);
  } catch (e) {
    return { ok: false, problem: `the zip is damaged: ${(e as Error).message}` };
  }
  const manifestBuf = entries.get("manifest.json");
  if (!manifestBuf) return { ok: false, problem: "manifest.json is missing" };
  let manifest: {
    format: string;
    chainHead: { seq: number; hash: string | null };
    files: Array<{ name: string; sha256: string; bytes: number }>;
    records: Array<{ id: number; seq: number; hash: string }>;
  };
  try {
    manifest = JSON.parse(manifestBuf.toString("utf8"));
  } catch {
    return { ok: false, problem: "manifest.json is not JSON" };
  }
  if (!Array.isArray(manifest.files) || !Array.isArray(manifest.records)) return { ok: false, problem: "manifest.json lacks files or records" };
  const listed = new Set(manifest.files.map((f) => f.name));
  for (const name of entries.keys()) if (name !== "manifest.json" && !listed.has(name)) return { ok: false, problem: `${name} is not in the manifest` };
  for (const f of manifest.files) {
    const buf = entries.get(f.name);
    if (!buf) return { ok: false, problem: `${f.name} is missing` };
    const h = createHash("sha256").update(buf).digest("hex");
    if (h !== f.sha256 || buf.length !== f.bytes) return { ok: false, problem: `${f.name} does not match its SHA-256 in the manifest` };
  }
  const jsonl = entries.get("records.jsonl");
  if (!jsonl) return { ok: false, problem: "records.jsonl is missing" };
  const lines = jsonl.toString("utf8").split("\n").filter(Boolean);
  if (lines.length !== manifest.records.length) return { ok: false, problem: "records.jsonl and the manifest list different records" };
  let prev: Line | null = null;
  for (const [i, text] of lines.entries()) {
    let l: Line;
    try {
      l = JSON.parse(text);
    } catch {
      return { ok: false, problem: `records.jsonl line ${i + 1} is not JSON` };
    }
    const r = l.record;
    const m = manifest.records[i];
    if (!m || m.id !== r.id || m.seq !== r.seq || m.hash !== l.hash) return { ok: false, problem: `record ${r.id} differs from the manifest's record hashes` };
    if (r.seq > manifest.chainHead.seq) return { ok: false, problem: `record ${r.id} lies beyond the chain head` };
    // an expired record's data is gone: its hash is vouched for by its expire record in the archive
    if (!expiredMarker(r.data) && chainHash(l.prevHash, archiveRecord(r as never)) !== l.hash) {
      return { ok: false, problem: `record ${r.id} (seq ${r.seq}) does not match its chain hash` };
    }
    if (prev && r.seq <= prev.record.seq) return { ok: false, problem: `record ${r.id} is out of chain order` };
    if (prev && r.seq === prev.record.seq + 1 && l.prevHash !== prev.hash) return { ok: false, problem: `record ${r.id} does not link to record ${prev.record.id}` };
    if (r.seq === manifest.chainHead.seq && l.hash !== manifest.chainHead.hash) return { ok: false, problem: "the last record is not the chain head" };
    prev = l;
  }
  // every byte of the container too: the same entries laid out as the exporter does must give this very file
  const rebuilt = await rebuild([...manifest.files.map((f) => f.name), "manifest.json"], entries);
  if (!rebuilt.equals(fs.readFileSync(file))) return { ok: false, problem: "the zip's structure differs from what the exporter writes (a header was changed)" };
  const messages = [...entries.keys()].filter((n) => n.endsWith(".eml")).length;
  return { ok: true, records: lines.length, messages, chainHead: manifest.chainHead };
}
