import http from "node:http";
import type { AddressInfo } from "node:net";
import { getSchema, type JSONContent } from "@tiptap/core";
import { describe, expect, it } from "vitest";
import {
  createRichTextExtensions,
  extractEntities,
  isSafeHref,
  isValidCashtag,
  isValidHashtag,
  toPlainText,
} from "../../app/content/rich-text";
import { htmlToRichText, parseRichText, richTextSchema, RICH_TEXT_LIMITS } from "../../app/content/rich-text.server";
import { htmlSafetyProblems } from "./html-safety";

const ALICE = "3f0c2a9e-5b1d-4c7e-9a61-1d2e3f4a5b6c";
const BOB = "8d7e6f5a-4b3c-4d2e-8f1a-0b9c8d7e6f5a";

const text = (t: string, marks?: JSONContent["marks"]): JSONContent => (marks ? { type: "text", text: t, marks } : { type: "text", text: t });
const p = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
const doc = (...content: JSONContent[]): JSONContent => ({ type: "doc", content });
const mention = (id: string, label: string): JSONContent => ({ type: "mention", attrs: { id, label, mentionSuggestionChar: "@" } });

/** A document using every node and mark, as the editor would produce it. */
const FULL: JSONContent = doc(
  { type: "heading", attrs: { level: 2 }, content: [text("Revue trimestrielle")] },
  p(
    text("Bonjour "),
    mention(ALICE, "Alice Martin"),
    text(", voir "),
    { type: "hashtag", attrs: { tag: "Conformité" } },
    text(" et "),
    { type: "cashtag", attrs: { symbol: "BNP" } },
    text(". "),
    text("gras", [{ type: "bold" }]),
    text(" "),
    text("italique", [{ type: "italic" }]),
    text(" "),
    text("code", [{ type: "code" }]),
    text(" "),
    text("lien", [{ type: "link", attrs: { href: "https://example.com/a?b=1&c=2", target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null } }]),
    { type: "hardBreak" },
    text("ligne deux"),
  ),
  { type: "heading", attrs: { level: 3 }, content: [text("Détails")] },
  { type: "bulletList", content: [{ type: "listItem", content: [p(text("un"))] }, { type: "listItem", content: [p(text("deux"))] }] },
  { type: "orderedList", attrs: { start: 3, type: null }, content: [{ type: "listItem", content: [p(text("trois"))] }] },
  { type: "blockquote", content: [p(text("citation"))] },
  { type: "codeBlock", attrs: { language: "ts" }, content: [text("const tag = '#pas-un-tag $NOPE';\nconst x = 1 < 2;")] },
  p(text("mailto", [{ type: "link", attrs: { href: "mailto:compliance@example.com", target: "_blank", rel: "noopener noreferrer nofollow", class: null, title: null } }])),
);

function ok(r: ReturnType<typeof parseRichText>) {
  if (!r.ok) throw new Error(`expected ok, got: ${r.error}`);
  return r;
}

describe("parseRichText: valid documents", () => {
  it("accepts an editor document and returns it unchanged as canonical JSON", () => {
    const r = ok(parseRichText(FULL));
    expect(r.doc).toEqual(FULL);
    expect(htmlSafetyProblems(r.html)).toEqual([]);
  });

  it("accepts the JSON string the hidden input submits", () => {
    const r = ok(parseRichText(JSON.stringify(FULL)));
    expect(r.doc).toEqual(FULL);
  });

  it("is idempotent: canonical JSON validates to the same JSON and HTML", () => {
    const first = ok(parseRichText(FULL));
    const second = ok(parseRichText(JSON.parse(JSON.stringify(first.doc))));
    expect(second.doc).toEqual(first.doc);
    expect(second.html).toBe(first.html);
  });

  it("round-trips through its own HTML (render, then parse as pasted HTML)", () => {
    const first = ok(parseRichText(FULL));
    const back = ok(htmlToRichText(first.html));
    expect(back.doc).toEqual(first.doc);
    expect(back.html).toBe(first.html);
  });

  it("fills attribute defaults (mention char, link presentation) and normalizes link attributes", () => {
    const r = ok(
      parseRichText(doc(p({ type: "mention", attrs: { id: BOB } }, text(" x", [{ type: "link", attrs: { href: "https://example.com", target: "_self", rel: "opener", class: "evil" } }])))),
    );
    expect(r.doc.content?.[0].content?.[0].attrs).toEqual({ id: BOB, label: null, mentionSuggestionChar: "@" });
    expect(r.doc.content?.[0].content?.[1].marks?.[0].attrs).toEqual({
      href: "https://example.com",
      target: "_blank",
      rel: "noopener noreferrer nofollow",
      class: null,
      title: null,
    });
  });

  it("round-trips a mention without a label", () => {
    const first = ok(parseRichText(doc(p(text("cc "), { type: "mention", attrs: { id: BOB } }))));
    expect(first.html).toBe(`<p>cc <span data-type="mention" data-id="${BOB}">@${BOB}</span></p>`);
    expect(ok(htmlToRichText(first.html)).doc).toEqual(first.doc);
  });

  it("renders exactly the allowlisted markup", () => {
    const r = ok(parseRichText(FULL));
    expect(r.html).toContain('<h2>Revue trimestrielle</h2>');
    expect(r.html).toContain(`<span data-type="mention" data-id="${ALICE}" data-label="Alice Martin">@Alice Martin</span>`);
    expect(r.html).toContain('<span data-type="hashtag" data-id="conformité" data-label="Conformité">#Conformité</span>');
    expect(r.html).toContain('<span data-type="cashtag" data-id="BNP" data-label="BNP">$BNP</span>');
    expect(r.html).toContain('<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow" target="_blank">lien</a>');
    expect(r.html).toContain('<ol start="3">');
    expect(r.html).toContain('<pre><code class="language-ts">const tag = \'#pas-un-tag $NOPE\';\nconst x = 1 &lt; 2;</code></pre>');
    expect(r.html).toContain("<strong>gras</strong> <em>italique</em> <code>code</code>");
    expect(r.html).not.toMatch(/data-mention-suggestion-char|class="(?!language-)|title=/);
  });

  it("returns plain text, one line per block", () => {
    const r = ok(parseRichText(FULL));
    expect(r.text).toBe(
      [
        "Revue trimestrielle",
        "Bonjour @Alice Martin, voir #Conformité et $BNP. gras italique code lien",
        "ligne deux",
        "Détails",
        "un",
        "deux",
        "trois",
        "citation",
        "const tag = '#pas-un-tag $NOPE';",
        "const x = 1 < 2;",
        "mailto",
      ].join("\n"),
    );
    expect(toPlainText(FULL)).toBe(r.text);
  });

  it("accepts an empty editor (the caller decides whether empty is allowed)", () => {
    const r = ok(parseRichText({ type: "doc", content: [{ type: "paragraph" }] }));
    expect(r.text).toBe("");
    expect(r.html).toBe("<p></p>");
  });

  it("the editor's extension list (with suggestion UI) builds the same schema as the server", () => {
    const editorSchema = getSchema(createRichTextExtensions({ mentionSuggestion: { char: "@", items: () => [] } }));
    const server = richTextSchema();
    const shape = (s: typeof server) => ({
      nodes: Object.fromEntries(Object.entries(s.nodes).map(([k, t]) => [k, [t.spec.content, t.spec.group, Object.keys(t.spec.attrs ?? {})]])),
      marks: Object.fromEntries(Object.entries(s.marks).map(([k, t]) => [k, Object.keys(t.spec.attrs ?? {})])),
    });
    expect(shape(editorSchema)).toEqual(shape(server));
    expect(Object.keys(server.nodes).sort()).toEqual(
      ["blockquote", "bulletList", "cashtag", "codeBlock", "doc", "hardBreak", "hashtag", "heading", "listItem", "mention", "orderedList", "paragraph", "text"].sort(),
    );
    expect(Object.keys(server.marks).sort()).toEqual(["bold", "code", "italic", "link"]);
  });
});

describe("entities", () => {
  it("reads mention ids, hashtag and cashtag nodes", () => {
    const e = extractEntities(FULL);
    expect(e.mentions).toEqual([ALICE]);
    expect(e.hashtags).toEqual(["conformité"]);
    expect(e.cashtags).toEqual(["BNP"]);
  });

  it("recognises plain-text #tags (lower-cased, French letters) and $TICKERS typed without the suggestion UI", () => {
    const d = doc(
      p(text("Point #Conformité et #RISQUE-2025 pour $BNP, $AAPL et $BRK.B; #été_fiscal. Voir aussi #conformité.")),
      p(mention(BOB, "Bob"), text(" "), mention(ALICE, "Alice"), text(" "), mention(BOB, "Bob")),
    );
    const e = extractEntities(d);
    expect(e.mentions).toEqual([BOB, ALICE]);
    expect(e.hashtags).toEqual(["conformité", "risque-2025", "été_fiscal"]);
    expect(e.cashtags).toEqual(["BNP", "AAPL", "BRK.B"]);
  });

  it("normalises decomposed accents (NFD) before lower-casing", () => {
    const e = extractEntities(doc(p(text("#Confor\u006d\u0069\u0074\u0065\u0301"))));
    expect(e.hashtags).toEqual(["conformité"]);
  });

  it("rejects what is not a cashtag or hashtag", () => {
    const e = extractEntities(
      doc(
        p(text("$toolong123 $TOOLONGX $brk.b $100 US$5 $BRK.BRK a$BNP $AAPL_X")),
        p(text("#1 issue#42 &#123; https://example.com/page#section https://x.example/?q=$AAPL www.example.com/#tag")),
        p(text(`#${"a".repeat(51)} #ok`)),
      ),
    );
    expect(e.cashtags).toEqual([]);
    expect(e.hashtags).toEqual(["ok"]);
    expect(isValidCashtag("toolong123")).toBe(false);
    expect(isValidCashtag("BRK.B")).toBe(true);
    expect(isValidHashtag("conformité")).toBe(true);
    expect(isValidHashtag("a".repeat(50))).toBe(true);
    expect(isValidHashtag("a".repeat(51))).toBe(false);
  });

  it("ignores code (inline and blocks) but joins text split by marks", () => {
    const e = extractEntities(
      doc(
        p(text("#inline $CODE", [{ type: "code" }]), text(" #conf"), text("ormité", [{ type: "bold" }])),
        { type: "codeBlock", content: [text("#include $PATH")] },
      ),
    );
    expect(e.hashtags).toEqual(["conformité"]);
    expect(e.cashtags).toEqual([]);
  });

  it("parseRichText returns the same entities", () => {
    const r = ok(parseRichText(doc(p(text("#Marchés $BNP "), mention(ALICE, "Alice")))));
    expect(r.entities).toEqual({ mentions: [ALICE], hashtags: ["marchés"], cashtags: ["BNP"] });
  });
});

describe("links", () => {
  it.each([
    ["https://example.com", true],
    ["http://example.com/path?q=1#frag", true],
    ["HTTPS://EXAMPLE.COM", true],
    ["mailto:someone@example.com", true],
    ["mailto:someone@example.com?subject=Hi", true],
    ["javascript:alert(1)", false],
    ["JaVaScRiPt:alert(1)", false],
    ["java\tscript:alert(1)", false],
    [" https://example.com", false],
    ["https://example.com\n", false],
    ["vbscript:msgbox(1)", false],
    ["data:text/html,x", false],
    ["ftp://example.com", false],
    ["tel:+33123456789", false],
    ["/relative/path", false],
    ["//evil.example", false],
    ["https:evil.example", false],
    ["https://user:pw@evil.example", false],
    ["mailto:", false],
    ["mailto:not-an-address", false],
    ["https://", false],
    ["", false],
    [`https://example.com/${"a".repeat(3000)}`, false],
  ])("isSafeHref(%j) = %s", (href, expected) => {
    expect(isSafeHref(href)).toBe(expected);
  });

  it("rejects documents whose links are not http(s)/mailto", () => {
    for (const href of ["javascript:alert(1)", "/relative", "ftp://x.example", "data:text/html,<x>"]) {
      const r = parseRichText(doc(p(text("x", [{ type: "link", attrs: { href } }]))));
      expect(r).toEqual({ ok: false, error: "link must be an http(s) or mailto address" });
    }
  });
});

describe("parseRichText: rejections never throw", () => {
  const deep = (levels: number) => {
    let node: JSONContent = p(text("x"));
    for (let i = 0; i < levels; i++) node = { type: "blockquote", content: [node] };
    return doc(node);
  };

  it("enforces the text limit at exactly 50,000 characters", () => {
    expect(parseRichText(doc(p(text("a".repeat(RICH_TEXT_LIMITS.maxTextChars))))).ok).toBe(true);
    expect(parseRichText(doc(p(text("a".repeat(25_000))), p(text("a".repeat(25_001)))))).toEqual({
      ok: false,
      error: "text longer than 50000 characters",
    });
  });

  it("enforces the node limit at 5,000", () => {
    // doc + n × (paragraph + text)
    expect(parseRichText(doc(...Array.from({ length: 2_499 }, () => p(text("x")))) ).ok).toBe(true);
    expect(parseRichText(doc(...Array.from({ length: 2_500 }, () => p(text("x")))))).toEqual({
      ok: false,
      error: "document has more than 5000 nodes",
    });
  });

  it("enforces the nesting limit at 20", () => {
    // doc(1) > 17 blockquotes > paragraph > text = depth 20
    expect(parseRichText(deep(17)).ok).toBe(true);
    expect(parseRichText(deep(18))).toEqual({ ok: false, error: "document nested deeper than 20" });
    expect(parseRichText(deep(100_000)).ok).toBe(false);
  });

  it("answers ok:false with a message for anything odd", () => {
    const circular: Record<string, unknown> = { type: "doc" };
    circular.content = [circular];
    const throwing = { type: "doc", get content(): never { throw new Error("boom"); } };
    const inputs: unknown[] = [
      undefined, null, 42, true, [], "", "null", "{", "[]", '"doc"', {}, { type: "doc" }, { type: "doc", content: [] },
      { type: "paragraph" }, circular, throwing, Object.create({ type: "doc" }), new Map(), () => 1,
      { type: "doc", content: [{ type: "heading", content: [text("no level")] }] },
      { type: "doc", content: [{ type: "heading", attrs: { level: 2n }, content: [text("x")] }] },
      { type: "doc", content: [p(text(""))], extra: 1 },
      "x".repeat(RICH_TEXT_LIMITS.maxInputChars + 1),
    ];
    for (const input of inputs) {
      let r: ReturnType<typeof parseRichText> | undefined;
      expect(() => (r = parseRichText(input))).not.toThrow();
      expect(r?.ok, String(input)).toBe(false);
      if (r && !r.ok) expect(r.error).toMatch(/\S/);
    }
  });

  it("does not echo attacker-controlled names in error messages", () => {
    const r = parseRichText(doc({ type: "<img src=x onerror=alert(1)>" }));
    expect(r).toEqual({ ok: false, error: "unknown node type (invalid name)" });
  });
});

describe("htmlToRichText (paste)", () => {
  it("keeps structure from a Google Docs style paste", () => {
    const html =
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-123"><h1>Titre</h1>' +
      '<p dir="ltr"><span style="font-weight:700;">Gras</span><span style="font-style:italic;"> italique</span> ' +
      '<a href="https://example.com/x" style="color:blue" target="_self">lien</a> #conformité $BNP</p>' +
      "<ul><li><p>un</p></li><li><p>deux</p></li></ul><h4>Sous-titre</h4></b>";
    const r = ok(htmlToRichText(html));
    expect(r.html).toBe(
      "<h2>Titre</h2><p><strong>Gras</strong><em> italique</em> " +
        '<a href="https://example.com/x" rel="noopener noreferrer nofollow" target="_blank">lien</a> #conformité $BNP</p>' +
        "<ul><li><p>un</p></li><li><p>deux</p></li></ul><h3>Sous-titre</h3>",
    );
    expect(r.entities).toEqual({ mentions: [], hashtags: ["conformité"], cashtags: ["BNP"] });
  });

  it("drops images, scripts, styles and unsafe links but keeps their text", () => {
    const r = ok(htmlToRichText('<p>a<img src="https://example.com/x.png" alt="pic">b<script>alert(1)</script><a href="javascript:alert(1)">c</a><style>p{}</style></p>'));
    expect(r.html).toBe("<p>abc</p>");
  });

  it("keeps valid mention/hashtag/cashtag spans and turns invalid ones into text", () => {
    const r = ok(
      htmlToRichText(
        `<p><span data-type="mention" data-id="${ALICE}" data-label="Alice">@Alice</span> <span data-type="mention" data-id="bad id!" data-label="X">@X</span> ` +
          '<span data-type="hashtag" data-label="Éthique">#Éthique</span> <span data-type="cashtag" data-id="brk.b">$brk.b</span></p>',
      ),
    );
    expect(r.entities).toEqual({ mentions: [ALICE], hashtags: ["éthique"], cashtags: [] });
    expect(r.text).toBe("@Alice @X #Éthique $brk.b");
  });

  it("rejects non-strings and oversize input with a message", () => {
    expect(htmlToRichText(42 as unknown as string)).toEqual({ ok: false, error: "expected HTML text" });
    expect(htmlToRichText("x".repeat(RICH_TEXT_LIMITS.maxInputChars + 1))).toEqual({ ok: false, error: "pasted content too large" });
  });

  it("makes no network request for resources named in pasted HTML", async () => {
    const hits: string[] = [];
    const server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("x");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = [
        `<img src="${base}/img">`,
        `<link rel="stylesheet" href="${base}/css">`,
        `<link rel="preload" as="fetch" href="${base}/preload">`,
        `<link rel="modulepreload" href="${base}/module">`,
        `<script src="${base}/js"></script>`,
        `<iframe src="${base}/iframe"></iframe>`,
        `<object data="${base}/object"></object>`,
        `<video src="${base}/video" poster="${base}/poster"></video>`,
        `<style>@import url(${base}/import);</style>`,
        `<p style="background:url(${base}/bg)">x</p>`,
      ].join("");
      expect(htmlToRichText(html).ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(hits).toEqual([]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
