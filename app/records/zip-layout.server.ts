import fs from "node:fs";
import { Readable } from "node:stream";
import type yazl from "yazl";

// An export's zip is laid out deterministically (stored entries, fixed local-time DOS stamp, fixed
// mode, records.jsonl streamed, the rest as buffers, manifest last), so a verifier can rebuild it from
// its own entries and compare every byte: a changed byte anywhere, headers included, is caught.
// The export's real time is in manifest.json.
const OPTIONS = () => ({ mtime: new Date(2000, 0, 1, 0, 0, 0), mode: 0o100644, compress: false, forceDosTimestamp: true });

export function addStreamed(zip: yazl.ZipFile, name: string, source: { file: string } | { buffer: Buffer }, size: number) {
  const stream = "file" in source ? fs.createReadStream(source.file) : Readable.from([source.buffer]);
  zip.addReadStream(stream, name, { ...OPTIONS(), size });
}

export function addBuffer(zip: yazl.ZipFile, name: string, buffer: Buffer) {
  zip.addBuffer(buffer, name, OPTIONS());
}
