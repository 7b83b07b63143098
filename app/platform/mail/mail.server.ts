import path from "node:path";
import nodemailer from "nodemailer";
import { dataDir, env } from "~/env.server";
import { sinkMessages, startMailSink } from "./mail-sink.server";

export { clearSinkMessages, sinkMessages, type SinkMessage } from "./mail-sink.server";

// Outgoing mail. With SMTP_URL (smtp://user:pass@mail.internal:587, smtps://… for implicit
// TLS) mail goes to that relay; without it, to the local sink under $ATRIUM_DATA_DIR/mail.

export type OutgoingMail = {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
};

type Transporter = ReturnType<typeof nodemailer.createTransport>;

/** A relay that stops answering fails the send instead of hanging it (never inside a transaction either). */
export const MAIL_TIMEOUT_MS = 30_000;
const SOCKET_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
type Holder = { key?: string; transport?: Promise<Transporter>; warned?: boolean };
const holder = ((globalThis as Record<string, unknown>).__atriumMail ??= {}) as Holder;

function transport(): Promise<Transporter> {
  const url = env().SMTP_URL;
  const key = url ?? `sink:${dataDir()}`;
  if (!holder.transport || holder.key !== key) {
    holder.key = key;
    const p = url ? Promise.resolve(nodemailer.createTransport({ url, ...SOCKET_TIMEOUTS })) : sinkTransport();
    holder.transport = p;
    p.catch(() => {
      if (holder.transport === p) holder.transport = undefined;
    });
  }
  return holder.transport;
}

async function sinkTransport(): Promise<Transporter> {
  const dir = path.join(dataDir(), "mail");
  const sink = await startMailSink(dir);
  if (env().NODE_ENV === "production" && !holder.warned) {
    holder.warned = true;
    console.warn(`[mail] SMTP_URL is not set: mail is not delivered, it is kept in ${dir}`);
  }
  return nodemailer.createTransport({ host: "127.0.0.1", port: sink.port, secure: false, ignoreTLS: true, ...SOCKET_TIMEOUTS });
}

/** Sends one message; rejects if the relay refuses it or does not finish within `timeoutMs`. */
export async function sendMail(mail: OutgoingMail, timeoutMs = MAIL_TIMEOUT_MS): Promise<void> {
  const t = await transport();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`mail not sent within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([
      t.sendMail({ from: env().SMTP_FROM, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers }),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What the local sink received, newest first, for the development mailbox page; null when
 * mail goes to a real relay or in production (mail holds other people's content).
 */
export function devMailbox() {
  const e = env();
  if (e.SMTP_URL || e.NODE_ENV === "production") return null;
  return sinkMessages()
    .reverse()
    .map((m) => ({ id: m.id, to: m.envelopeTo.join(", "), subject: m.subject, at: m.receivedAt.toISOString(), text: m.text, file: path.basename(m.file) }));
}
