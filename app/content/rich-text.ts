// Rich text for posts, comments, questions and answers: one Tiptap extension
// list shared by the browser editor and the server (schema validation,
// rendering, entity extraction). No server-only imports here.
import { InputRule, Node, type Extensions, type JSONContent } from "@tiptap/core";
import { Mention, type MentionOptions } from "@tiptap/extension-mention";
import { StarterKit } from "@tiptap/starter-kit";
import type { NodeType, Node as PMNode } from "@tiptap/pm/model";

export type RichTextDoc = JSONContent;
export type MentionItem = { id: string; label: string };
export type RichTextEntities = { mentions: string[]; hashtags: string[]; cashtags: string[] };

export const LINK_PROTOCOLS = ["http", "https", "mailto"] as const;
export const LINK_REL = "noopener noreferrer nofollow";
export const HEADING_LEVELS = [2, 3] as const;

// Letters (any script, incl. combining accents), digits, "_" and "-"; at least
// one letter so "#1" or "issue #42" are not tags.
const TAG_CHAR = String.raw`[\p{L}\p{M}\p{N}_-]`;
const HASHTAG_RE = new RegExp(String.raw`^(?=${TAG_CHAR}*\p{L})${TAG_CHAR}{1,50}$`, "u");
const CASHTAG_RE = /^[A-Z]{1,6}(?:\.[A-Z]{1,2})?$/;
// User ids are UUIDs today; accept any opaque url-safe id.
const MENTION_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

export function isValidHashtag(tag: unknown): tag is string {
  return typeof tag === "string" && HASHTAG_RE.test(tag.normalize("NFC"));
}
export function isValidCashtag(symbol: unknown): symbol is string {
  return typeof symbol === "string" && CASHTAG_RE.test(symbol);
}
export function isValidMentionId(id: unknown): id is string {
  return typeof id === "string" && MENTION_ID_RE.test(id);
}
export function isValidMentionLabel(label: unknown): label is string {
  return (
    typeof label === "string" &&
    label.trim().length > 0 &&
    label.length <= 100 &&
    !CONTROL_RE.test(label) &&
    !/[<>]/.test(label)
  );
}

/**
 * Strict link check: http(s) with a host and no credentials, or mailto with an
 * address. No whitespace or control characters anywhere, so obfuscations such
 * as "java\tscript:" or " javascript:" never reach a URL parser's leniency.
 */
export function isSafeHref(href: unknown): href is string {
  if (typeof href !== "string" || href.length === 0 || href.length > 2048) return false;
  if (/[\s\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/.test(href)) return false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(href)?.[1]?.toLowerCase();
  if (!scheme || !(LINK_PROTOCOLS as readonly string[]).includes(scheme)) return false;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return false;
  }
  if (url.protocol !== `${scheme}:`) return false;
  if (scheme === "mailto") return /^[^@/?#]+@[^@/?#]+$/.test(decodeURIComponentSafe(url.pathname));
  if (!/^https?:\/\//i.test(href)) return false; // "https:evil.com" parses, but is not what users meant
  return url.hostname.length > 0 && url.username === "" && url.password === "";
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// --- custom inline nodes -------------------------------------------------------

function tagInputRule(type: () => NodeType, find: RegExp, sigil: string, attr: string, valid: (v: string) => boolean) {
  return new InputRule({
    find,
    handler: ({ state, range, match }) => {
      const value = match[1];
      if (!value || !valid(value)) return null;
      const start = range.from + match[0].indexOf(sigil);
      const typed = match[0].slice(-1);
      state.tr.replaceWith(start, range.to, [type().create({ [attr]: value }), state.schema.text(typed)]);
    },
  });
}

/** `#hashtag` as an atom; `tag` keeps the case the author typed. */
export const Hashtag = Node.create({
  name: "hashtag",
  group: "inline",
  inline: true,
  atom: true,
  selectable: false,
  addAttributes() {
    return {
      tag: {
        default: null,
        parseHTML: (el: HTMLElement) => (el.getAttribute("data-label") ?? "").normalize("NFC"),
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML() {
    return [
      {
        tag: 'span[data-type="hashtag"]',
        getAttrs: (el: HTMLElement) => (isValidHashtag(el.getAttribute("data-label")) ? null : false),
      },
    ];
  },
  renderHTML({ node }) {
    const tag = String(node.attrs.tag ?? "");
    return ["span", { "data-type": "hashtag", "data-id": tag.toLowerCase(), "data-label": tag }, `#${tag}`];
  },
  renderText({ node }) {
    return `#${node.attrs.tag ?? ""}`;
  },
  addInputRules() {
    return [
      tagInputRule(() => this.type, new RegExp(String.raw`(?:^|[\s(])#(${TAG_CHAR}{1,50})\s$`, "u"), "#", "tag", isValidHashtag),
    ];
  },
});

/** `$TICKER` (e.g. $BNP, $AAPL, $BRK.B) as an atom. */
export const Cashtag = Node.create({
  name: "cashtag",
  group: "inline",
  inline: true,
  atom: true,
  selectable: false,
  addAttributes() {
    return {
      symbol: {
        default: null,
        parseHTML: (el: HTMLElement) => el.getAttribute("data-id"),
        renderHTML: () => ({}),
      },
    };
  },
  parseHTML() {
    return [
      {
        tag: 'span[data-type="cashtag"]',
        getAttrs: (el: HTMLElement) => (isValidCashtag(el.getAttribute("data-id")) ? null : false),
      },
    ];
  },
  renderHTML({ node }) {
    const symbol = String(node.attrs.symbol ?? "");
    return ["span", { "data-type": "cashtag", "data-id": symbol, "data-label": symbol }, `$${symbol}`];
  },
  renderText({ node }) {
    return `$${node.attrs.symbol ?? ""}`;
  },
  addInputRules() {
    return [tagInputRule(() => this.type, /(?:^|[\s(])\$([A-Z]{1,6}(?:\.[A-Z]{1,2})?)\s$/, "$", "symbol", isValidCashtag)];
  },
});

// Mention renders exactly data-type/data-id/data-label (the sanitizer's allowlist)
// and refuses pasted mention spans whose id or label would not validate.
const AtriumMention = Mention.extend({
  parseHTML() {
    return [
      {
        tag: 'span[data-type="mention"]',
        getAttrs: (el: HTMLElement) => {
          const label = el.getAttribute("data-label");
          return isValidMentionId(el.getAttribute("data-id")) && (label === null || isValidMentionLabel(label)) ? null : false;
        },
      },
    ];
  },
});

// --- the extension list ---------------------------------------------------------

export type RichTextExtensionOptions = {
  /** Editor only: how @ suggestions are fetched and shown. */
  mentionSuggestion?: MentionOptions<MentionItem>["suggestion"];
};

/** The one extension list; the server and the editor must build the same schema from it. */
export function createRichTextExtensions(options: RichTextExtensionOptions = {}): Extensions {
  return [
    StarterKit.configure({
      heading: { levels: [...HEADING_LEVELS] },
      strike: false,
      underline: false,
      horizontalRule: false,
      link: {
        protocols: [],
        defaultProtocol: "https",
        autolink: true,
        linkOnPaste: true,
        openOnClick: false,
        enableClickSelection: false,
        HTMLAttributes: { target: "_blank", rel: LINK_REL, class: null },
        isAllowedUri: (url) => isSafeHref(url),
        // linkify hands over what was typed ("www.x.com", "a@b.fr"); check it as the link it becomes
        shouldAutoLink: (url) =>
          isSafeHref(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : /^[^/]+@/.test(url) ? `mailto:${url}` : `https://${url}`),
      },
    }),
    AtriumMention.configure({
      HTMLAttributes: {},
      renderText: ({ node }) => `@${node.attrs.label ?? node.attrs.id ?? ""}`,
      renderHTML: ({ node }) => [
        "span",
        node.attrs.label == null
          ? { "data-type": "mention", "data-id": String(node.attrs.id ?? "") }
          : { "data-type": "mention", "data-id": String(node.attrs.id ?? ""), "data-label": String(node.attrs.label) },
        `@${node.attrs.label ?? node.attrs.id ?? ""}`,
      ],
      suggestion: { char: "@", ...(options.mentionSuggestion ?? {}) },
    }),
    Hashtag,
    Cashtag,
  ];
}

export const richTextExtensions: Extensions = createRichTextExtensions();

// --- reading documents ------------------------------------------------------------

type DocLike = JSONContent | PMNode;
function asJSON(doc: DocLike): JSONContent {
  return typeof (doc as PMNode).toJSON === "function" ? (doc as PMNode).toJSON() : (doc as JSONContent);
}

const TEXTBLOCKS = new Set(["paragraph", "heading", "codeBlock"]);

function inlineText(node: JSONContent): string {
  switch (node.type) {
    case "text":
      return node.text ?? "";
    case "hardBreak":
      return "\n";
    case "mention":
      return `@${node.attrs?.label ?? node.attrs?.id ?? ""}`;
    case "hashtag":
      return `#${node.attrs?.tag ?? ""}`;
    case "cashtag":
      return `$${node.attrs?.symbol ?? ""}`;
    default:
      return (node.content ?? []).map(inlineText).join("");
  }
}

/** Plain text: one line per block, hard breaks as newlines, entities with their sigil. */
export function toPlainText(doc: DocLike): string {
  const lines: string[] = [];
  const walk = (node: JSONContent) => {
    if (node.type && TEXTBLOCKS.has(node.type)) {
      lines.push((node.content ?? []).map(inlineText).join(""));
      return;
    }
    if (node.type === "text" || node.type === "mention" || node.type === "hashtag" || node.type === "cashtag") {
      lines.push(inlineText(node));
      return;
    }
    for (const child of node.content ?? []) walk(child);
  };
  walk(asJSON(doc));
  return lines
    .join("\n")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const HASHTAG_IN_TEXT = new RegExp(
  String.raw`(?<![\p{L}\p{M}\p{N}_&#/\\-])#(${TAG_CHAR}{1,50})(?!${TAG_CHAR})`,
  "gu",
);
const CASHTAG_IN_TEXT = /(?<![\p{L}\p{N}_$])\$([A-Z]{1,6}(?:\.[A-Z]{1,2})?)(?![\p{L}\p{N}_]|\.[\p{L}\p{N}])/gu;
const URLISH = /(?:\b[a-z][a-z0-9+.-]*:\/\/|\bmailto:|\bwww\.)\S*/giu;

/** Normalised tag key: NFC, lower case. */
export const normalizeHashtag = (tag: string) => tag.normalize("NFC").toLowerCase();

/**
 * Mentions (user ids), hashtags (lower case) and cashtags (upper case), from the
 * nodes the suggestion UI inserts and from plain `#tag` / `$TICK` typed as text.
 * Text in code and inside URLs is ignored. Order of first appearance, no duplicates.
 */
export function extractEntities(doc: DocLike): RichTextEntities {
  const mentions = new Set<string>();
  const hashtags = new Set<string>();
  const cashtags = new Set<string>();

  const scan = (text: string) => {
    const clean = text.normalize("NFC").replace(URLISH, " ");
    for (const m of clean.matchAll(HASHTAG_IN_TEXT)) if (isValidHashtag(m[1])) hashtags.add(normalizeHashtag(m[1]));
    for (const m of clean.matchAll(CASHTAG_IN_TEXT)) cashtags.add(m[1].toUpperCase());
  };

  const walk = (node: JSONContent) => {
    if (node.type === "codeBlock") return;
    // Adjacent text nodes (e.g. "#conf" + bold "ormité") are scanned as one run.
    let run = "";
    const flush = () => {
      if (run.trim()) scan(run);
      run = "";
    };
    for (const child of node.content ?? []) {
      if (child.type === "text") {
        run += child.marks?.some((m) => m.type === "code") ? " " : (child.text ?? "");
        continue;
      }
      flush();
      if (child.type === "mention" && isValidMentionId(child.attrs?.id)) mentions.add(child.attrs.id);
      else if (child.type === "hashtag" && isValidHashtag(child.attrs?.tag)) hashtags.add(normalizeHashtag(child.attrs.tag));
      else if (child.type === "cashtag" && isValidCashtag(child.attrs?.symbol)) cashtags.add(child.attrs.symbol);
      else walk(child);
    }
    flush();
  };
  walk(asJSON(doc));
  return { mentions: [...mentions], hashtags: [...hashtags], cashtags: [...cashtags] };
}

export const EMPTY_DOC: JSONContent = { type: "doc", content: [{ type: "paragraph" }] };
