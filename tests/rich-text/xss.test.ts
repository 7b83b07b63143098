import { afterAll, describe, expect, it } from "vitest";
import { htmlToRichText, parseRichText, type ParsedRichText } from "../../app/content/rich-text.server";
import { htmlSafetyProblems, htmlTextContent } from "./html-safety";
import { jsonVariants, XSS_CORPUS } from "./xss-corpus";

type Tally = { accepted: number; rejected: number };
const tally: Record<string, Tally> = {};
const count = (vector: string, r: ParsedRichText) => {
  const t = (tally[vector] ??= { accepted: 0, rejected: 0 });
  if (r.ok) t.accepted++;
  else t.rejected++;
};

function run(fn: () => ParsedRichText): ParsedRichText {
  let r: ParsedRichText | undefined;
  expect(() => {
    r = fn();
  }).not.toThrow();
  return r!;
}

function expectSafe(r: ParsedRichText, label: string, { stable = true } = {}) {
  if (!r.ok) {
    expect(typeof r.error, label).toBe("string");
    expect(r.error.length, label).toBeGreaterThan(0);
    return;
  }
  expect(htmlSafetyProblems(r.html), `${label}\n${r.html}`).toEqual([]);
  if (!stable) return;
  // The canonical document is stable: validating it again gives the same output.
  const again = parseRichText(r.doc);
  expect(again.ok, label).toBe(true);
  if (again.ok) {
    expect(again.html, label).toBe(r.html);
    expect(JSON.stringify(again.doc), label).toBe(JSON.stringify(r.doc));
  }
}

// The only URL payloads that are genuine http(s)/mailto addresses (with markup
// in the path or query, which must come out escaped).
const VALID_URL_PAYLOADS = new Set([
  'https://example.com/"><script>alert(1)</script>',
  "mailto:a@b.example?subject=<script>alert(1)</script>",
]);

describe("XSS corpus", () => {
  it("has at least 100 payloads", () => {
    expect(XSS_CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(XSS_CORPUS.map((c) => c.id)).size).toBe(XSS_CORPUS.length);
  });

  describe.each(XSS_CORPUS.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    it("as Tiptap JSON", () => {
      const r = run(() => parseRichText(c.json));
      count(`json:${c.kind}`, r);
      expectSafe(r, `${c.id} (json)`);
    });

    it("as JSON string (hidden input)", () => {
      let serialized: string | undefined;
      try {
        serialized = typeof c.json === "string" ? c.json : JSON.stringify(c.json);
      } catch {
        serialized = undefined;
      }
      if (serialized === undefined) return;
      const r = run(() => parseRichText(serialized));
      expectSafe(r, `${c.id} (json string)`);
    });

    it("in every string slot of the schema", () => {
      for (const v of jsonVariants(c.payload)) {
        const r = run(() => parseRichText(v.json));
        count(`slot:${v.slot}`, r);
        expectSafe(r, `${c.id} in ${v.slot}`, { stable: false });
      }
    });

    it("as pasted HTML", () => {
      const r = run(() => htmlToRichText(c.html));
      count(`html:${c.kind}`, r);
      expectSafe(r, `${c.id} (html)`);
    });
  });

  it("renders markup typed as text as inert text", () => {
    for (const c of XSS_CORPUS.filter((x) => x.kind === "markup" || x.kind === "mxss")) {
      const r = parseRichText({ type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: c.payload }] }] });
      expect(r.ok, c.id).toBe(true);
      if (r.ok) expect(htmlTextContent(r.html), c.id).toBe(c.payload);
    }
  });

  it("never keeps a non-http(s)/mailto link, whatever the obfuscation", () => {
    for (const c of XSS_CORPUS.filter((x) => x.kind === "url")) {
      const json = parseRichText(c.json);
      const html = htmlToRichText(c.html);
      for (const r of [json, html]) {
        if (!r.ok) continue;
        const hrefs = [...r.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
        for (const h of hrefs) expect(h, c.id).toMatch(/^(https?|mailto):/);
      }
      expect(json.ok, `${c.id} should only be accepted when it is a real http(s)/mailto URL`).toBe(
        VALID_URL_PAYLOADS.has(c.payload),
      );
    }
  });

  afterAll(() => {
    const rows = Object.entries(tally).sort(([a], [b]) => a.localeCompare(b));
    const total = rows.reduce((s, [, t]) => ({ accepted: s.accepted + t.accepted, rejected: s.rejected + t.rejected }), {
      accepted: 0,
      rejected: 0,
    });
    console.log(
      [
        `XSS corpus: ${XSS_CORPUS.length} payloads; submissions accepted (rendered safe) ${total.accepted}, rejected ${total.rejected}`,
        ...rows.map(([k, t]) => `  ${k.padEnd(26)} accepted ${String(t.accepted).padStart(4)}  rejected ${String(t.rejected).padStart(4)}`),
      ].join("\n"),
    );
  });
});
