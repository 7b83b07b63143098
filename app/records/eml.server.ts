// One RFC 5322 message per archived item, the form archive vendors ingest: the thread kept with
// Message-ID / In-Reply-To / References, the text as a UTF-8 text/plain part (base64, 76 columns),
// and the archive's own facts in X-Atrium-* headers.

export type EmlInput = {
  subjectId: string;
  orgId: string;
  kind: string;
  version: number;
  hash: string;
  from: { name: string; email: string };
  date: Date;
  title: string;
  text: string;
  space: string | null;
  deleted: boolean;
  /** The thread, root first, nearest parent last (ids of items). */
  ancestors: string[];
  /** The root's subject line, for replies. */
  rootTitle: string | null;
};

export const messageId = (subjectId: string, orgId: string) => `<${subjectId}@${orgId}.atrium.invalid>`;

const ascii = (s: string) => /^[\x20-\x7e]*$/.test(s);
/** An RFC 2047 encoded word when the text is not plain ASCII. */
function headerText(s: string): string {
  const clean = s.replace(/[\r\n]+/g, " ");
  return ascii(clean) ? clean : `=?UTF-8?B?${Buffer.from(clean, "utf8").toString("base64")}?=`;
}
function address(name: string, email: string): string {
  const n = name.replace(/[\r\n"\\]/g, " ").trim();
  return ascii(n) ? `"${n}" <${email}>` : `${headerText(n)} <${email}>`;
}
const oneLine = (s: string, max = 78) => {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

export function subjectLine(e: Pick<EmlInput, "title" | "text" | "kind" | "rootTitle" | "ancestors">): string {
  if (e.ancestors.length) return `Re: ${e.rootTitle || "(no subject)"}`;
  return oneLine(e.title) || oneLine(e.text) || `(${e.kind})`;
}

export function buildEml(e: EmlInput): string {
  const refs = e.ancestors.map((a) => messageId(a, e.orgId));
  const headers = [
    `Message-ID: ${messageId(e.subjectId, e.orgId)}`,
    `Date: ${e.date.toUTCString().replace("GMT", "+0000")}`,
    `From: ${address(e.from.name, e.from.email)}`,
    `To: ${headerText(e.space ? `Space: ${e.space}` : "Organisation")} <undisclosed-recipients@atrium.invalid>`,
    `Subject: ${headerText(subjectLine(e))}`,
    ...(refs.length ? [`In-Reply-To: ${refs[refs.length - 1]}`, `References: ${refs.join(" ")}`] : []),
    `MIME-Version: 1.0`,
    `Content-Type: text/plain; charset=utf-8`,
    `Content-Transfer-Encoding: base64`,
    `X-Atrium-Kind: ${e.kind}`,
    `X-Atrium-Item: ${e.subjectId}`,
    `X-Atrium-Version: ${e.version}`,
    `X-Atrium-Hash: ${e.hash}`,
    `X-Atrium-Deleted: ${e.deleted ? "yes" : "no"}`,
  ];
  const body = (Buffer.from(e.title ? `${e.title}\n\n${e.text}` : e.text, "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
  return `${headers.join("\r\n")}\r\n\r\n${body}\r\n`;
}
