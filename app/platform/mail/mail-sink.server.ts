import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { SMTPServer } from "smtp-server";

// A local SMTP receiver for development and tests (used when SMTP_URL is unset):
// loopback only, no TLS, no auth. Each message is kept as an .eml file and the
// last 100 stay in memory, decoded enough to read and to assert on.

export type SinkMessage = {
  id: string;
  receivedAt: Date;
  envelopeFrom: string;
  envelopeTo: string[];
  headers: Record<string, string>;
  subject: string;
  text: string;
  html: string;
  raw: string;
  file: string;
};

type Sink = { port: number; server: SMTPServer; dir: string };
type Holder = { sink?: Promise<Sink>; messages: SinkMessage[] };
const holder = ((globalThis as Record<string, unknown>).__atriumMailSink ??= { messages: [] }) as Holder;

const KEEP = 100;
const MAX_BYTES = 10 * 1024 * 1024;

/** Starts the sink once per process; later calls return the same one. */
export function startMailSink(dir: string): Promise<Sink> {
  if (!holder.sink) {
    const p = listen(dir);
    holder.sink = p;
    p.catch(() => {
      if (holder.sink === p) holder.sink = undefined;
    });
  }
  return holder.sink;
}

/** Newest last. */
export function sinkMessages(): SinkMessage[] {
  return [...holder.messages];
}

export function clearSinkMessages() {
  holder.messages.length = 0;
}

export function mailSinkRunning(): boolean {
  return holder.sink !== undefined;
}

async function listen(dir: string): Promise<Sink> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    banner: "Atrium development mail sink",
    size: MAX_BYTES,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", done);
      stream.on("end", () => {
        if (stream.sizeExceeded) return done(Object.assign(new Error("Message too large"), { responseCode: 552 }));
        try {
          store(dir, Buffer.concat(chunks), session.envelope);
          done();
        } catch (e) {
          done(e as Error);
        }
      });
    },
  });
  server.on("error", (e) => console.error("[mail-sink]", (e as Error).message));
  const port = await new Promise<number>((resolve, reject) => {
    const net = server.listen(0, "127.0.0.1", () => {
      const addr = net.address();
      resolve(typeof addr === "object" && addr ? addr.port : 0);
    });
    net.once("error", reject);
  });
  // never keep the process alive just for the sink
  server.server.unref();
  return { port, server, dir };
}

type Envelope = { mailFrom: { address: string } | false; rcptTo: { address: string }[] };

function store(dir: string, raw: Buffer, envelope: Envelope) {
  const id = randomUUID();
  const receivedAt = new Date();
  const file = path.join(dir, `${receivedAt.toISOString().replace(/[:.]/g, "-")}-${id.slice(0, 8)}.eml`);
  fs.writeFileSync(file, raw, { mode: 0o600 });
  const parsed = parseMessage(raw.toString("latin1"));
  holder.messages.push({
    id,
    receivedAt,
    envelopeFrom: envelope.mailFrom ? envelope.mailFrom.address : "",
    envelopeTo: envelope.rcptTo.map((r) => r.address),
    headers: parsed.headers,
    subject: parsed.headers.subject ?? "",
    text: parsed.text,
    html: parsed.html,
    raw: raw.toString("utf8"),
    file,
  });
  if (holder.messages.length > KEEP) holder.messages.splice(0, holder.messages.length - KEEP);
}

// ---------- a small MIME reader: enough for what nodemailer writes ----------
// The message is handled as latin1 ("binary") text so bytes survive until a part's
// charset is known.

type Part = { headers: Record<string, string>; body: string };

function splitPart(src: string): Part {
  const at = src.search(/\r?\n\r?\n/);
  const head = at < 0 ? src : src.slice(0, at);
  const body = at < 0 ? "" : src.slice(at).replace(/^\r?\n\r?\n/, "");
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const m = /^([^:\s]+):\s*(.*)$/.exec(line);
    if (m && !(m[1].toLowerCase() in headers)) headers[m[1].toLowerCase()] = decodeWords(m[2]);
  }
  return { headers, body };
}

function param(header: string | undefined, name: string): string | null {
  const m = new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, "i").exec(header ?? "");
  return m ? (m[1] ?? m[2]) : null;
}

function bytesOf(body: string, encoding: string | undefined): Buffer {
  const enc = (encoding ?? "7bit").toLowerCase();
  if (enc === "base64") return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ""), "base64");
  if (enc === "quoted-printable") {
    const soft = body.replace(/=\r?\n/g, "");
    return Buffer.from(soft.replace(/=([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
  }
  return Buffer.from(body, "latin1");
}

function decodeCharset(bytes: Buffer, charset: string | null): string {
  try {
    return new TextDecoder(charset ?? "utf-8").decode(bytes);
  } catch {
    return bytes.toString("utf8");
  }
}

/** RFC 2047 encoded words (=?utf-8?Q?...?= / =?utf-8?B?...?=); adjacent words join without the space. */
export function decodeWords(value: string): string {
  return value
    .replace(/[^\x00-\x7f]+/g, (s) => Buffer.from(s, "latin1").toString("utf8")) // raw 8-bit UTF-8 headers
    .replace(/(=\?[^?]+\?[QqBb]\?[^?]*\?=)\s+(?==\?)/g, "$1")
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([QqBb])\?([^?]*)\?=/g, (_, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === "B"
          ? Buffer.from(data, "base64")
          : Buffer.from(data.replace(/_/g, " ").replace(/=([0-9A-Fa-f]{2})/g, (__, h: string) => String.fromCharCode(parseInt(h, 16))), "latin1");
      return decodeCharset(bytes, charset);
    });
}

function multipartBodies(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let current: string[] | null = null;
  for (const line of body.split(/\r?\n/)) {
    if (line.startsWith(delimiter)) {
      if (current) parts.push(current.join("\r\n"));
      if (line.slice(delimiter.length).startsWith("--")) return parts;
      current = [];
    } else {
      current?.push(line);
    }
  }
  if (current) parts.push(current.join("\r\n"));
  return parts;
}

export function parseMessage(src: string): { headers: Record<string, string>; text: string; html: string } {
  const top = splitPart(src);
  const out = { headers: top.headers, text: "", html: "" };
  const visit = (part: Part, depth: number) => {
    const type = (part.headers["content-type"] ?? "text/plain").toLowerCase();
    const boundary = param(part.headers["content-type"], "boundary");
    if (type.startsWith("multipart/") && boundary && depth < 5) {
      for (const piece of multipartBodies(part.body, boundary)) visit(splitPart(piece), depth + 1);
      return;
    }
    const content = decodeCharset(bytesOf(part.body, part.headers["content-transfer-encoding"]), param(part.headers["content-type"], "charset"));
    if (type.startsWith("text/html") && !out.html) out.html = content;
    else if (type.startsWith("text/plain") && !out.text) out.text = content;
  };
  visit(top, 0);
  return out;
}
