// XSS corpus for the rich-text layer. Every case is submitted twice: as crafted
// Tiptap JSON (parseRichText) and as pasted HTML (htmlToRichText). The test also
// derives extra JSON variants from each case's payload string (text node,
// mention/hashtag/cashtag attrs, link href/title, code language).
import type { JSONContent } from "@tiptap/core";

export type XssKind = "url" | "markup" | "mxss" | "attr" | "structure";
export type XssCase = {
  id: string;
  kind: XssKind;
  /** The raw attack string; derived JSON variants embed it in every string slot. */
  payload: string;
  html: string;
  json: unknown;
};

// --- builders -----------------------------------------------------------------
const text = (t: string, marks?: JSONContent["marks"]): JSONContent => (marks ? { type: "text", text: t, marks } : { type: "text", text: t });
const p = (...content: JSONContent[]): JSONContent => ({ type: "paragraph", content });
export const doc = (...content: unknown[]) => ({ type: "doc", content });
const link = (href: unknown, extra: Record<string, unknown> = {}) => ({ type: "link", attrs: { href, ...extra } });
const nest = (depth: number, leaf: unknown, wrap: (c: unknown) => unknown): unknown => {
  let node = leaf;
  for (let i = 0; i < depth; i++) node = wrap(node);
  return node;
};

// --- URL payloads: links with dangerous schemes and obfuscations --------------
const URLS: string[] = [
  "javascript:alert(1)",
  "JavaScript:alert(1)",
  "JAVASCRIPT:alert(1)",
  "jAvAsCrIpT:alert(document.domain)",
  " javascript:alert(1)",
  "\tjavascript:alert(1)",
  "java\tscript:alert(1)",
  "java\nscript:alert(1)",
  "java\rscript:alert(1)",
  "java\u0000script:alert(1)",
  "\u0001javascript:alert(1)",
  "javascript\u0000:alert(1)",
  "\u200bjavascript:alert(1)",
  "\ufeffjavascript:alert(1)",
  "&#106;avascript:alert(1)",
  "&#x6A;avascript:alert(1)",
  "&#0000106;avascript:alert(1)",
  "&#x0000006A;avascript:alert(1)",
  "&#106&#97&#118&#97&#115&#99&#114&#105&#112&#116&#58alert(1)",
  "javascript&colon;alert(1)",
  "javascript&#58;alert(1)",
  "javascript&#x3a;alert(1)",
  "jav&#x09;ascript:alert(1)",
  "jav&#x0A;ascript:alert(1)",
  "jav&#x0D;ascript:alert(1)",
  "java&Tab;script:alert(1)",
  "&#14; javascript:alert(1)",
  "javascript:alert(1)//https://example.com",
  "javascript://https://example.com/%0aalert(1)",
  "javascript://%0aalert(1)",
  "vbscript:msgbox(1)",
  "VBScript:MsgBox(1)",
  "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
  "data:text/html,<script>alert(1)</script>",
  "DATA:text/html,<script>alert(1)</script>",
  "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
  " data:text/html,<script>alert(1)</script>",
  "file:///etc/passwd",
  "livescript:alert(1)",
  "feed:javascript:alert(1)",
  "x-javascript:alert(1)",
  "%6A%61vascript:alert(1)",
  "//evil.example/x",
  "/\\evil.example",
  "\\\\evil.example\\x",
  "https:javascript:alert(1)",
  "https:evil.example",
  "https://user:pass@evil.example/",
  "mailto:javascript:alert(1)",
  "https://example.com/\"><script>alert(1)</script>",
  "https://example.com/?q=\" onmouseover=\"alert(1)",
  "https://example.com/'><img src=x onerror=alert(1)>",
  "mailto:a@b.example?subject=<script>alert(1)</script>",
  "https://example.com/\u0000.evil",
  "https://exa\u2028mple.com/",
];

// --- markup payloads: pasted as HTML, and typed as text in JSON ---------------
const MARKUP: string[] = [
  "<script>alert(1)</script>",
  "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
  "<img src=x onerror=alert(1)>",
  '<img src="x" onerror="alert(1)"/>',
  '<IMG SRC="javascript:alert(1)">',
  "<img src=`x`onerror=alert(1)>",
  "<svg onload=alert(1)>",
  "<svg/onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
  '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
  '<svg><set attributeName="href" to="javascript:alert(1)"/></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="javascript:alert(1)">',
  "<style>@import 'javascript:alert(1)';</style>",
  '<style>body{background:url("javascript:alert(1)")}</style>',
  '<p style="background:url(javascript:alert(1))">x</p>',
  '<div style="width: expression(alert(1))">x</div>',
  '<span style="font-weight:700;background:url(javascript:alert(1))">x</span>',
  "<body onload=alert(1)>",
  "<details open ontoggle=alert(1)>",
  "<input autofocus onfocus=alert(1)>",
  "<video><source onerror=alert(1)></video>",
  "<audio src=x onerror=alert(1)>",
  "<marquee onstart=alert(1)>x</marquee>",
  '<a href="javascript:alert(1)">x</a>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  "<a href=https://ok.example onmouseover=alert(1)>x</a>",
  '<a href="https://ok.example" style="position:fixed;inset:0">x</a>',
  '<p onclick="alert(1)">x</p>',
  "<h2 onclick=alert(1)>t</h2>",
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<button formaction="javascript:alert(1)">x</button>',
  '<math><a xlink:href="javascript:alert(1)">x</a></math>',
  '<base href="javascript:alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<link rel="stylesheet" href="javascript:alert(1)">',
  '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
  "<isindex type=image src=1 onerror=alert(1)>",
  "<template><script>alert(1)</script></template>",
  "<<script>alert(1)//<</script>",
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  '<img """><script>alert(1)</script>">',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  "<![CDATA[<script>alert(1)</script>]]>",
  '<?xml version="1.0"?><script>alert(1)</script>',
  '<p title="&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</p>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  "</p><script>alert(1)</script><p>",
  '<span data-type="mention" data-id="u1" data-label="x" onmouseover="alert(1)">@x</span>',
  '<span data-type="hashtag" data-label="tag" style="background:url(javascript:alert(1))">#tag</span>',
  "<pre><code class='language-js\" onmouseover=\"alert(1)'>x</code></pre>",
  "<p>a<!-- --!><img src=x onerror=alert(1)>-->b</p>",
  "<a href=\"https://ok.example/<svg/onload=alert(1)>\">x</a>",
  "<a href='&#x6A;avascript:alert(1)'>x</a>",
  "<a href=java&#x09;script:alert(1)>x</a>",
  "<a href=' javascript:alert(1)'>x</a>",
  "<img src=\"x` `<script>alert(1)</script>\"` `>",
  "<div/onmouseover='alert(1)'>x</div>",
  "<x onclick=alert(1)>click</x>",
  "<custom-element onclick=alert(1)>x</custom-element>",
];

// --- mutation XSS classics ------------------------------------------------------
const MXSS: string[] = [
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
  '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
  '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
  "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
  "<svg><style><img src=x onerror=alert(1)></style></svg>",
  "<math><style><img src=x onerror=alert(1)></style></math>",
  "<svg><textarea><img src=x onerror=alert(1)></textarea></svg>",
  "<math><xmp><img src=x onerror=alert(1)></xmp></math>",
  "<svg><xmp><img src=x onerror=alert(1)></xmp></svg>",
  "<xmp><img src=x onerror=alert(1)></xmp>",
  "<textarea><img src=x onerror=alert(1)></textarea>",
  "<title><img src=x onerror=alert(1)></title>",
  "<noembed><img src=x onerror=alert(1)></noembed>",
  "<noframes><img src=x onerror=alert(1)></noframes>",
  "<iframe><img src=x onerror=alert(1)></iframe>",
  "<plaintext><img src=x onerror=alert(1)>",
  "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
  "<table><td><style></table><img src=x onerror=alert(1)>",
  "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
  '<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)></annotation-xml></math>',
  "<div><svg><p><style><img src=x onerror=alert(1)>",
  '<svg><p><style><a id="</style><img src=1 onerror=alert(1)>">',
  "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\"></textarea></mtext></svg></mglyph></mi></math>",
  '<a href="https://ok.example"><svg><a xlink:href="javascript:alert(1)">x</a></svg></a>',
];

// --- node/mark attribute injection (JSON) and their pasted-HTML counterparts ---
const INJ = '"><script>alert(1)</script>';
const ATTR_CASES: Array<{ id: string; payload: string; json: unknown; html: string }> = [
  {
    id: "mention-id-breakout",
    payload: INJ,
    json: doc(p({ type: "mention", attrs: { id: INJ, label: "Alice" } })),
    html: `<p><span data-type="mention" data-id='${INJ}' data-label="Alice">@Alice</span></p>`,
  },
  {
    id: "mention-label-breakout",
    payload: INJ,
    json: doc(p({ type: "mention", attrs: { id: "u1", label: INJ } })),
    html: `<p><span data-type="mention" data-id="u1" data-label='${INJ}'>@x</span></p>`,
  },
  {
    id: "mention-label-quote-handler",
    payload: '" onmouseover="alert(1)',
    json: doc(p({ type: "mention", attrs: { id: "u1", label: '" onmouseover="alert(1)' } })),
    html: `<p><span data-type="mention" data-id="u1" data-label='" onmouseover="alert(1)'>@x</span></p>`,
  },
  {
    id: "mention-extra-attr",
    payload: "alert(1)",
    json: doc(p({ type: "mention", attrs: { id: "u1", label: "A", onclick: "alert(1)" } })),
    html: '<p><span data-type="mention" data-id="u1" data-label="A" onclick="alert(1)">@A</span></p>',
  },
  {
    id: "mention-suggestion-char",
    payload: "<img src=x onerror=alert(1)>",
    json: doc(p({ type: "mention", attrs: { id: "u1", label: "A", mentionSuggestionChar: "<img src=x onerror=alert(1)>" } })),
    html: '<p><span data-type="mention" data-id="u1" data-label="A" data-mention-suggestion-char="<img src=x onerror=alert(1)>">@A</span></p>',
  },
  {
    id: "hashtag-breakout",
    payload: INJ,
    json: doc(p({ type: "hashtag", attrs: { tag: INJ } })),
    html: `<p><span data-type="hashtag" data-label='${INJ}'>#x</span></p>`,
  },
  {
    id: "hashtag-quote-handler",
    payload: 'x" onmouseover="alert(1)',
    json: doc(p({ type: "hashtag", attrs: { tag: 'x" onmouseover="alert(1)' } })),
    html: `<p><span data-type="hashtag" data-label='x" onmouseover="alert(1)'>#x</span></p>`,
  },
  {
    id: "cashtag-breakout",
    payload: INJ,
    json: doc(p({ type: "cashtag", attrs: { symbol: INJ } })),
    html: `<p><span data-type="cashtag" data-id='${INJ}'>$X</span></p>`,
  },
  {
    id: "link-title-breakout",
    payload: '"><img src=x onerror=alert(1)>',
    json: doc(p(text("x", [link("https://ok.example/", { title: '"><img src=x onerror=alert(1)>' })]))),
    html: `<p><a href="https://ok.example/" title='"><img src=x onerror=alert(1)>'>x</a></p>`,
  },
  {
    id: "link-target-javascript",
    payload: "javascript:alert(1)",
    json: doc(p(text("x", [link("https://ok.example/", { target: "javascript:alert(1)", rel: "opener" })]))),
    html: '<p><a href="https://ok.example/" target="javascript:alert(1)" rel="opener">x</a></p>',
  },
  {
    id: "link-class-injection",
    payload: '" onclick="alert(1)',
    json: doc(p(text("x", [link("https://ok.example/", { class: '" onclick="alert(1)' })]))),
    html: `<p><a href="https://ok.example/" class='" onclick="alert(1)'>x</a></p>`,
  },
  {
    id: "link-extra-attr",
    payload: "alert(1)",
    json: doc(p(text("x", [link("https://ok.example/", { onclick: "alert(1)" })]))),
    html: '<p><a href="https://ok.example/" onclick="alert(1)">x</a></p>',
  },
  {
    id: "link-href-non-string",
    payload: "[object]",
    json: doc(p(text("x", [link({ toString: "javascript:alert(1)" })]))),
    html: '<p><a href="[object Object]">x</a></p>',
  },
  {
    id: "bold-with-attrs",
    payload: "alert(1)",
    json: doc(p(text("x", [{ type: "bold", attrs: { onclick: "alert(1)" } }]))),
    html: '<p><strong onclick="alert(1)">x</strong></p>',
  },
  {
    id: "paragraph-style-attr",
    payload: "background:url(javascript:alert(1))",
    json: doc({ type: "paragraph", attrs: { style: "background:url(javascript:alert(1))" }, content: [text("x")] }),
    html: '<p style="background:url(javascript:alert(1))">x</p>',
  },
  {
    id: "code-language-breakout",
    payload: 'js" onmouseover="alert(1)',
    json: doc({ type: "codeBlock", attrs: { language: 'js" onmouseover="alert(1)' }, content: [text("x")] }),
    html: `<pre><code class='language-js" onmouseover="alert(1)'>x</code></pre>`,
  },
  {
    id: "code-block-html-text",
    payload: "</code></pre><script>alert(1)</script>",
    json: doc({ type: "codeBlock", content: [text("</code></pre><script>alert(1)</script>")] }),
    html: "<pre><code>&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;</code></pre>",
  },
  {
    id: "ordered-list-type",
    payload: '1" onclick="alert(1)',
    json: doc({ type: "orderedList", attrs: { start: 1, type: '1" onclick="alert(1)' }, content: [{ type: "listItem", content: [p(text("x"))] }] }),
    html: `<ol type='1" onclick="alert(1)'><li>x</li></ol>`,
  },
  {
    id: "ordered-list-start-string",
    payload: "1 onclick=alert(1)",
    json: doc({ type: "orderedList", attrs: { start: "1 onclick=alert(1)" }, content: [{ type: "listItem", content: [p(text("x"))] }] }),
    html: '<ol start="1 onclick=alert(1)"><li>x</li></ol>',
  },
  {
    id: "heading-level-1",
    payload: "h1",
    json: doc({ type: "heading", attrs: { level: 1 }, content: [text("x")] }),
    html: "<h1 onclick=alert(1)>x</h1>",
  },
  {
    id: "heading-level-string",
    payload: "2><script>alert(1)</script>",
    json: doc({ type: "heading", attrs: { level: "2><script>alert(1)</script>" }, content: [text("x")] }),
    html: "<h2 level='2><script>alert(1)</script>'>x</h2>",
  },
  {
    id: "text-with-html",
    payload: "<img src=x onerror=alert(1)>",
    json: doc(p(text("<img src=x onerror=alert(1)>"))),
    html: "<p>&lt;img src=x onerror=alert(1)&gt;</p>",
  },
  {
    id: "prototype-keys",
    payload: "__proto__",
    json: JSON.parse('{"type":"doc","__proto__":{"polluted":true},"content":[{"type":"paragraph","content":[{"type":"text","text":"x"}]}]}'),
    html: '<p __proto__="x" constructor="y">x</p>',
  },
  {
    id: "mark-on-attrs-proto",
    payload: "constructor",
    json: doc(p(text("x", [{ type: "constructor" }]))),
    html: "<p><constructor>x</constructor></p>",
  },
];

// --- malformed documents ---------------------------------------------------------
const STRUCTURE: Array<{ id: string; payload: string; json: unknown; html: string }> = [
  { id: "unknown-node-script", payload: "script", json: doc({ type: "script", content: [text("alert(1)")] }), html: "<script>alert(1)</script><p>x</p>" },
  { id: "unknown-node-image", payload: "image", json: doc({ type: "image", attrs: { src: "javascript:alert(1)" } }), html: '<img src="javascript:alert(1)">' },
  { id: "unknown-node-iframe", payload: "iframe", json: doc({ type: "iframe", attrs: { src: "https://evil.example" } }), html: '<iframe src="https://evil.example"></iframe>' },
  { id: "unknown-node-table", payload: "table", json: doc({ type: "table", content: [] }), html: "<table><tr><td>x</td></tr></table>" },
  { id: "disabled-node-hr", payload: "horizontalRule", json: doc({ type: "horizontalRule" }), html: "<hr>" },
  { id: "unknown-mark-strike", payload: "strike", json: doc(p(text("x", [{ type: "strike" }]))), html: "<p><s>x</s></p>" },
  { id: "unknown-mark-textstyle", payload: "textStyle", json: doc(p(text("x", [{ type: "textStyle", attrs: { color: "red;background:url(javascript:alert(1))" } }]))), html: '<p><span style="color:red;background:url(javascript:alert(1))">x</span></p>' },
  { id: "unknown-mark-underline", payload: "underline", json: doc(p(text("x", [{ type: "underline" }]))), html: "<p><u>x</u></p>" },
  { id: "depth-bomb-25", payload: "blockquote", json: doc(nest(25, p(text("deep")), (c) => ({ type: "blockquote", content: [c] }))), html: `${"<blockquote>".repeat(25)}deep${"</blockquote>".repeat(25)}` },
  { id: "depth-bomb-10000", payload: "blockquote", json: doc(nest(10_000, p(text("deep")), (c) => ({ type: "blockquote", content: [c] }))), html: `${"<blockquote>".repeat(2_000)}deep` },
  { id: "list-depth-bomb", payload: "ul", json: doc(nest(30, p(text("x")), (c) => ({ type: "bulletList", content: [{ type: "listItem", content: [p(text("i")), c] }] }))), html: `${"<ul><li>i".repeat(30)}x` },
  { id: "too-many-nodes", payload: "p", json: doc(...Array.from({ length: 6_000 }, () => p(text("x")))), html: "<p>x</p>".repeat(6_000) },
  { id: "too-much-text", payload: "a", json: doc(p(text("a".repeat(60_000)))), html: `<p>${"a".repeat(60_000)}</p>` },
  { id: "huge-mention-label", payload: "A", json: doc(p({ type: "mention", attrs: { id: "u1", label: "A".repeat(200_000) } })), html: `<span data-type="mention" data-id="u1" data-label="${"A".repeat(200_000)}">@A</span>` },
  { id: "huge-href", payload: "a", json: doc(p(text("x", [link(`https://ok.example/${"a".repeat(100_000)}`)]))), html: `<a href="https://ok.example/${"a".repeat(100_000)}">x</a>` },
  { id: "huge-hashtag", payload: "t", json: doc(p({ type: "hashtag", attrs: { tag: "t".repeat(51) } })), html: `<span data-type="hashtag" data-label="${"t".repeat(51)}">#t</span>` },
  { id: "text-at-block-level", payload: "text", json: doc(text("<script>alert(1)</script>")), html: "<script>alert(1)</script>" },
  { id: "paragraph-in-paragraph", payload: "p", json: doc(p(p(text("x")) as JSONContent)), html: "<p><p>x</p></p>" },
  { id: "list-item-at-root", payload: "li", json: doc({ type: "listItem", content: [p(text("x"))] }), html: "<li>x</li>" },
  { id: "hard-break-with-content", payload: "br", json: doc(p({ type: "hardBreak", content: [text("<script>")] } as JSONContent)), html: "<br>&lt;script&gt;</br>" },
  { id: "marks-in-code-block", payload: "bold", json: doc({ type: "codeBlock", content: [text("x", [{ type: "bold" }])] }), html: "<pre><code><b>x</b></code></pre>" },
  { id: "duplicate-marks", payload: "bold", json: doc(p(text("x", [{ type: "bold" }, { type: "bold" }]))), html: "<p><b><b>x</b></b></p>" },
  { id: "mention-with-content", payload: "mention", json: doc(p({ type: "mention", attrs: { id: "u1" }, content: [text("<script>")] } as JSONContent)), html: '<span data-type="mention" data-id="u1"><script>alert(1)</script></span>' },
  { id: "node-extra-key", payload: "html", json: doc({ ...p(text("x")), html: "<script>alert(1)</script>" }), html: "<p html='<script>alert(1)</script>'>x</p>" },
  { id: "text-not-string", payload: "number", json: doc(p({ type: "text", text: 42 } as unknown as JSONContent)), html: "<p>42</p>" },
  { id: "content-not-array", payload: "object", json: { type: "doc", content: { 0: p(text("x")) } }, html: "<p>x</p>" },
  { id: "type-not-string", payload: "array", json: { type: ["doc"], content: [p(text("x"))] }, html: "<p>x</p>" },
  { id: "root-not-doc", payload: "paragraph", json: p(text("x")), html: "<p>x</p>" },
  { id: "null-input", payload: "null", json: null, html: "" },
  { id: "json-string-garbage", payload: "{", json: '{"type":"doc","content":[', html: "<p" },
  { id: "too-many-marks", payload: "marks", json: doc(p(text("x", Array.from({ length: 20 }, () => ({ type: "bold" }))))), html: `${"<b>".repeat(20)}x` },
  { id: "lone-surrogates", payload: "\ud800", json: doc(p(text("a\ud800b\udc00c"))), html: "<p>a\ud800b\udc00c</p>" },
  { id: "nul-in-text", payload: "\u0000", json: doc(p(text("a\u0000<script>b"))), html: "<p>a\u0000&lt;script&gt;b</p>" },
];

const urlCase = (u: string, i: number): XssCase => ({
  id: `url-${i}`,
  kind: "url",
  payload: u,
  json: doc(p(text("click", [link(u)]))),
  html: `<p><a href="${u}">click</a> <a href='${u}'>two</a> <a href=${u}>three</a></p>`,
});
const markupCase = (kind: "markup" | "mxss") => (m: string, i: number): XssCase => ({
  id: `${kind}-${i}`,
  kind,
  payload: m,
  json: doc(p(text(m))),
  html: m,
});

export const XSS_CORPUS: XssCase[] = [
  ...URLS.map(urlCase),
  ...MARKUP.map(markupCase("markup")),
  ...MXSS.map(markupCase("mxss")),
  ...ATTR_CASES.map((c) => ({ ...c, kind: "attr" as const })),
  ...STRUCTURE.map((c) => ({ ...c, kind: "structure" as const })),
];

/** Extra JSON documents that put a payload string into every string slot of the schema. */
export function jsonVariants(payload: string): Array<{ slot: string; json: unknown }> {
  return [
    { slot: "text", json: doc(p(text(payload || "x"))) },
    { slot: "bold-text", json: doc(p(text(payload || "x", [{ type: "bold" }]))) },
    { slot: "code-block-text", json: doc({ type: "codeBlock", content: [text(payload || "x")] }) },
    { slot: "mention.id", json: doc(p({ type: "mention", attrs: { id: payload, label: "A" } })) },
    { slot: "mention.label", json: doc(p({ type: "mention", attrs: { id: "u1", label: payload } })) },
    { slot: "hashtag.tag", json: doc(p({ type: "hashtag", attrs: { tag: payload } })) },
    { slot: "cashtag.symbol", json: doc(p({ type: "cashtag", attrs: { symbol: payload } })) },
    { slot: "link.href", json: doc(p(text("x", [link(payload)]))) },
    { slot: "link.title", json: doc(p(text("x", [link("https://ok.example/", { title: payload })]))) },
    { slot: "codeBlock.language", json: doc({ type: "codeBlock", attrs: { language: payload }, content: [text("x")] }) },
    { slot: "node.type", json: doc({ type: payload, content: [text("x")] }) },
    { slot: "mark.type", json: doc(p(text("x", [{ type: payload }]))) },
  ];
}
