// The document as a one-byte string. V8 keeps a string of Latin-1 characters at one byte a character;
// a single character above U+00FF anywhere in the rendered page (a "…" in a placeholder, a "’" in a
// French sentence, an emoji in a post) makes the whole document two bytes a character, and widening
// ~70 KB of markup cost ~0.6 ms of CPU on every such page (docs/benchmarks.md, issue 19). React's
// text and attributes and Remix's inline data are escaped by patches (patches/react-dom+…,
// @remix-run/…); HTML we insert ourselves (stored rich text, highlights) goes through this.

const WIDE = /[\u0100-\uffff]/;
const WIDE_ALL = /[\ud800-\udbff][\udc00-\udfff]|[\u0100-\uffff]/g;

/** HTML with every character above U+00FF written as a character reference; the same text once parsed. */
export function oneByteHtml(html: string): string {
  if (!WIDE.test(html)) return html;
  const out = html.replace(WIDE_ALL, (ch) => {
    if (ch.length === 2) return `&#x${ch.codePointAt(0)!.toString(16)};`;
    const code = ch.charCodeAt(0);
    return code >= 0xd800 && code <= 0xdfff ? "&#xfffd;" : `&#x${code.toString(16)};`;
  });
  // all Latin-1 now, but built from pieces of a two-byte string, so still stored two bytes a character
  return typeof Buffer === "function" ? Buffer.from(out, "latin1").toString("latin1") : out;
}
