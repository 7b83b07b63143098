// Server side of rich text: validate submitted Tiptap JSON against the shared
// schema, render it to sanitized HTML, and turn pasted HTML into a document.
// Stored HTML is produced here only; clients never send HTML we keep.
import { getSchema, type JSONContent } from "@tiptap/core";
import { generateHTML, generateJSON } from "@tiptap/html/server";
import { Node as PMNode, type Schema } from "@tiptap/pm/model";
import sanitizeHtml from "sanitize-html";
import {
  isSafeHref,
  isValidCashtag,
  isValidHashtag,
  isValidMentionId,
  isValidMentionLabel,
  extractEntities,
  LINK_REL,
  richTextExtensions,
  toPlainText,
  type RichTextEntities,
} from "./rich-text";

export const RICH_TEXT_LIMITS = {
  maxTextChars: 50_000,
  maxNodes: 5_000,
  maxDepth: 20,
  /** Raw JSON string or pasted HTML accepted before any parsing. */
  maxInputChars: 1_000_000,
} as const;

export type ParsedRichText =
  | { ok: true; doc: JSONContent; text: string; html: string; entities: RichTextEntities }
  | { ok: false; error: string };

let cachedSchema: Schema | undefined;
export function richTextSchema(): Schema {
  return (cachedSchema ??= getSchema(richTextExtensions));
}

class Reject extends Error {}

// --- structural validation and normalisation of the raw JSON ------------------

type Obj = Record<string, unknown>;
// Plain objects only (ProseMirror builds attrs with a null prototype).
const isObj = (v: unknown): v is Obj => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};
const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const safeName = (s: string) => (/^[A-Za-z][A-Za-z0-9_]{0,39}$/.test(s) ? `"${s}"` : "(invalid name)");

// Lone surrogates would be rejected by PostgreSQL's jsonb; C0 controls other
// than tab/newline have no business in text (NUL is also refused by jsonb).
const LONE_SURROGATE_SRC = String.raw`[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]`;
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SRC, "g");
const HAS_LONE_SURROGATE = new RegExp(LONE_SURROGATE_SRC);
const STRIP_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const cleanText = (s: string) => s.replace(LONE_SURROGATE, "\ufffd").replace(STRIP_CONTROLS, "").replace(/\r\n?/g, "\n");
const hasControl = (s: string) => /[\u0000-\u001f\u007f-\u009f]/.test(s);

function optionalString(v: unknown, what: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string" || v.length > max || hasControl(v) || HAS_LONE_SURROGATE.test(v)) throw new Reject(`invalid ${what}`);
  return v;
}

type AttrRule = (attrs: Obj) => Obj | undefined;
const noAttrs: AttrRule = () => undefined;

function only(attrs: Obj, allowed: string[], owner: string) {
  for (const k of Object.keys(attrs)) if (!allowed.includes(k)) throw new Reject(`unsupported attribute ${safeName(k)} on ${owner}`);
}

const NODE_ATTRS: Record<string, AttrRule> = {
  doc: noAttrs,
  paragraph: noAttrs,
  text: noAttrs,
  blockquote: noAttrs,
  bulletList: noAttrs,
  listItem: noAttrs,
  hardBreak: noAttrs,
  heading: (a) => {
    only(a, ["level"], "heading");
    if (a.level !== 2 && a.level !== 3) throw new Reject("heading level must be 2 or 3");
    return { level: a.level };
  },
  orderedList: (a) => {
    only(a, ["start", "type"], "orderedList");
    const start = a.start ?? 1;
    if (typeof start !== "number" || !Number.isInteger(start) || start < 0 || start > 1_000_000)
      throw new Reject("invalid list start");
    const type = a.type ?? null;
    if (type !== null && !["1", "a", "A", "i", "I"].includes(type as string)) throw new Reject("invalid list type");
    return { start, type };
  },
  codeBlock: (a) => {
    only(a, ["language"], "codeBlock");
    const language = a.language ?? null;
    if (language !== null && (typeof language !== "string" || !/^[A-Za-z0-9_+#.-]{1,32}$/.test(language)))
      throw new Reject("invalid code language");
    return { language };
  },
  mention: (a) => {
    only(a, ["id", "label", "mentionSuggestionChar"], "mention");
    if (!isValidMentionId(a.id)) throw new Reject("invalid mention id");
    const label = a.label ?? null;
    if (label !== null && !isValidMentionLabel(label)) throw new Reject("invalid mention label");
    if ((a.mentionSuggestionChar ?? "@") !== "@") throw new Reject("invalid mention");
    return { id: a.id, label, mentionSuggestionChar: "@" };
  },
  hashtag: (a) => {
    only(a, ["tag"], "hashtag");
    if (!isValidHashtag(a.tag)) throw new Reject("invalid hashtag");
    return { tag: a.tag.normalize("NFC") };
  },
  cashtag: (a) => {
    only(a, ["symbol"], "cashtag");
    if (!isValidCashtag(a.symbol)) throw new Reject("invalid cashtag");
    return { symbol: a.symbol };
  },
};

const MARK_ATTRS: Record<string, AttrRule> = {
  bold: noAttrs,
  italic: noAttrs,
  code: noAttrs,
  link: (a) => {
    only(a, ["href", "target", "rel", "class", "title"], "link");
    if (!isSafeHref(a.href)) throw new Reject("link must be an http(s) or mailto address");
    // Presentation attributes are checked for type, then replaced by ours.
    optionalString(a.target, "link target", 64);
    optionalString(a.rel, "link rel", 128);
    optionalString(a.class, "link class", 128);
    const title = optionalString(a.title, "link title", 500);
    return { href: a.href, target: "_blank", rel: LINK_REL, class: null, title };
  },
};

type Counter = { nodes: number; textChars: number };

function normalizeAttrs(rules: Record<string, AttrRule>, type: string, raw: unknown): Obj | undefined {
  if (raw === undefined || raw === null) return rules[type]({}) ?? undefined;
  if (!isObj(raw)) throw new Reject("attrs must be an object");
  const out = rules[type](raw);
  if (out === undefined && Object.keys(raw).length > 0) throw new Reject(`${safeName(type)} takes no attributes`);
  return out;
}

function normalizeMarks(raw: unknown): JSONContent["marks"] {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) throw new Reject("marks must be an array");
  if (raw.length > 8) throw new Reject("too many marks");
  return raw.map((m) => {
    if (!isObj(m)) throw new Reject("mark must be an object");
    for (const k of Object.keys(m)) if (k !== "type" && k !== "attrs") throw new Reject(`unexpected key ${safeName(k)} in mark`);
    if (typeof m.type !== "string" || !own(MARK_ATTRS, m.type)) throw new Reject(`unknown mark type ${safeName(String(m.type))}`);
    const attrs = normalizeAttrs(MARK_ATTRS, m.type, m.attrs);
    return attrs ? { type: m.type, attrs } : { type: m.type };
  });
}

const NODE_KEYS = new Set(["type", "attrs", "content", "marks", "text"]);

function normalizeNode(raw: unknown, depth: number, count: Counter): JSONContent | null {
  if (depth > RICH_TEXT_LIMITS.maxDepth) throw new Reject(`document nested deeper than ${RICH_TEXT_LIMITS.maxDepth}`);
  if (!isObj(raw)) throw new Reject("node must be an object");
  for (const k of Object.keys(raw)) if (!NODE_KEYS.has(k)) throw new Reject(`unexpected key ${safeName(k)} in node`);
  const type = raw.type;
  if (typeof type !== "string" || !own(NODE_ATTRS, type)) throw new Reject(`unknown node type ${safeName(String(type))}`);
  if (++count.nodes > RICH_TEXT_LIMITS.maxNodes) throw new Reject(`document has more than ${RICH_TEXT_LIMITS.maxNodes} nodes`);

  const out: JSONContent = { type };
  const attrs = normalizeAttrs(NODE_ATTRS, type, raw.attrs);
  if (attrs) out.attrs = attrs;
  const marks = normalizeMarks(raw.marks);
  if (marks?.length) out.marks = marks;

  if (type === "text") {
    if (typeof raw.text !== "string") throw new Reject("text node without text");
    if (raw.content !== undefined) throw new Reject("text node with content");
    const text = cleanText(raw.text);
    count.textChars += text.length;
    if (count.textChars > RICH_TEXT_LIMITS.maxTextChars)
      throw new Reject(`text longer than ${RICH_TEXT_LIMITS.maxTextChars} characters`);
    if (text.length === 0) return null;
    out.text = text;
    return out;
  }
  if (raw.text !== undefined) throw new Reject(`${safeName(type)} cannot hold text`);
  if (raw.content !== undefined) {
    if (!Array.isArray(raw.content)) throw new Reject("content must be an array");
    if (raw.content.length > RICH_TEXT_LIMITS.maxNodes) throw new Reject(`document has more than ${RICH_TEXT_LIMITS.maxNodes} nodes`);
    const content: JSONContent[] = [];
    for (const child of raw.content) {
      const n = normalizeNode(child, depth + 1, count);
      if (n) content.push(n);
    }
    if (content.length) out.content = content;
  }
  return out;
}

// Parse errors from ProseMirror quote document content; keep only their kind.
function describePMError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const head = msg.split(":")[0].replace(/[^A-Za-z0-9 _-]/g, "").slice(0, 80);
  return `invalid document structure${head ? ` (${head})` : ""}`;
}

// --- output sanitising -----------------------------------------------------------

// Exactly what the schema renders. Anything else in the renderer's output is a bug
// and is dropped.
const OUTPUT_POLICY: sanitizeHtml.IOptions = {
  allowedTags: ["p", "h2", "h3", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "br", "a", "span"],
  allowedAttributes: {
    a: ["href", "rel", "target"],
    span: [{ name: "data-type", multiple: false, values: ["mention", "hashtag", "cashtag"] }, "data-id", "data-label"],
    ol: ["start", { name: "type", multiple: false, values: ["1", "a", "A", "i", "I"] }],
    code: ["class"],
  },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+#.-]{1,32}$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  enforceHtmlBoundary: false,
  transformTags: {
    a: (tagName, attribs): sanitizeHtml.Tag => {
      // Belt and braces: the schema already refused unsafe hrefs.
      if (!isSafeHref(attribs.href)) return { tagName: "span", attribs: {} };
      return { tagName, attribs: { href: attribs.href, rel: LINK_REL, target: "_blank" } };
    },
  },
};

export function sanitizeRenderedHtml(html: string): string {
  return sanitizeHtml(html, OUTPUT_POLICY);
}

export function renderRichTextHtml(doc: JSONContent): string {
  return sanitizeRenderedHtml(generateHTML(doc, richTextExtensions));
}

// --- public API ----------------------------------------------------------------------

/**
 * Validates a submitted document (object, or its JSON string as posted by the
 * editor's hidden input) against the shared schema. Never throws.
 */
export function parseRichText(input: unknown): ParsedRichText {
  try {
    let raw = input;
    if (typeof raw === "string") {
      if (raw.length > RICH_TEXT_LIMITS.maxInputChars) return { ok: false, error: "document too large" };
      try {
        raw = JSON.parse(raw);
      } catch {
        return { ok: false, error: "document is not valid JSON" };
      }
    }
    if (!isObj(raw) || raw.type !== "doc") return { ok: false, error: "expected a document" };

    const normalized = normalizeNode(raw, 1, { nodes: 0, textChars: 0 });
    if (!normalized) return { ok: false, error: "expected a document" };

    let node: PMNode;
    try {
      node = PMNode.fromJSON(richTextSchema(), normalized);
      node.check();
    } catch (e) {
      return { ok: false, error: describePMError(e) };
    }

    const doc = node.toJSON() as JSONContent;
    let html: string;
    try {
      html = renderRichTextHtml(doc);
    } catch {
      return { ok: false, error: "document could not be rendered" };
    }
    return { ok: true, doc, text: toPlainText(doc), html, entities: extractEntities(doc) };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, error: e.message };
    if (e instanceof RangeError) return { ok: false, error: "document too complex" }; // stack overflow and the like
    return { ok: false, error: "invalid document" };
  }
}

// Pasted HTML is first reduced to the tags our parse rules understand, with a
// pure-JS sanitizer, so the server DOM never sees resource-loading elements
// (img, link, iframe…), scripts or inline event handlers.
const PASTE_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "span",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    span: ["data-type", "data-id", "data-label", "style"],
    b: ["style"],
    strong: ["style"],
    i: ["style"],
    em: ["style"],
    ol: ["start"],
    code: ["class"],
  },
  // Google Docs wraps everything in <b style="font-weight:normal">.
  allowedStyles: {
    "*": {
      "font-weight": [/^(normal|bold|bolder|lighter|[1-9]00)$/],
      "font-style": [/^(normal|italic|oblique)$/],
    },
  },
  allowedClasses: { code: [/^language-[A-Za-z0-9_+#.-]{1,32}$/] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  nonTextTags: [
    "script", "style", "textarea", "option", "noscript", "title", "template", "iframe", "noembed",
    "noframes", "xmp", "select", "object", "embed", "svg", "math", "head",
  ],
  enforceHtmlBoundary: true,
  // Deeper markup keeps its text but loses its tags, so the server DOM and the
  // ProseMirror parser never recurse far; the schema's own limit is 20.
  nestingLimit: 40,
  transformTags: {
    // Our headings are h2/h3: keep pasted structure instead of flattening it.
    h1: "h2",
    h4: "h3",
    h5: "h3",
    h6: "h3",
    ol: (tagName, attribs): sanitizeHtml.Tag => ({
      tagName,
      attribs: /^\d{1,6}$/.test(attribs.start ?? "") ? { start: attribs.start } : {},
    }),
  },
};

/** Converts pasted HTML into a validated document (same result shape as parseRichText). Never throws. */
export function htmlToRichText(html: string): ParsedRichText {
  try {
    if (typeof html !== "string") return { ok: false, error: "expected HTML text" };
    if (html.length > RICH_TEXT_LIMITS.maxInputChars) return { ok: false, error: "pasted content too large" };
    const reduced = sanitizeHtml(html, PASTE_POLICY);
    let json: JSONContent;
    try {
      json = generateJSON(reduced, richTextExtensions) as JSONContent;
    } catch {
      return { ok: false, error: "pasted content could not be read" };
    }
    return parseRichText(json);
  } catch {
    return { ok: false, error: "pasted content could not be read" };
  }
}
