// Parses rendered HTML the way a browser does (parse5 implements the WHATWG tree
// construction, including foreign content and raw-text elements) and lists
// everything that could run script or load something it should not.
import { parseFragment, serialize, type DefaultTreeAdapterMap } from "parse5";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

const HTML_NS = "http://www.w3.org/1999/xhtml";
const FORBIDDEN_TAGS = new Set([
  "script", "iframe", "style", "object", "embed", "svg", "math", "img", "link", "meta", "base",
  "form", "input", "button", "textarea", "select", "template", "noscript", "frame", "frameset",
  "video", "audio", "source", "applet", "xmp", "noembed", "noframes", "plaintext", "title",
]);
// What our renderer may emit, per tag (the sanitizer's allowlist).
const ALLOWED: Record<string, Set<string>> = {
  p: new Set(), h2: new Set(), h3: new Set(), ul: new Set(), li: new Set(), strong: new Set(), em: new Set(),
  pre: new Set(), blockquote: new Set(), br: new Set(),
  ol: new Set(["start", "type"]),
  code: new Set(["class"]),
  a: new Set(["href", "rel", "target"]),
  span: new Set(["data-type", "data-id", "data-label"]),
};
const URL_ATTRS = new Set(["href", "src", "action", "formaction", "xlink:href", "background", "poster", "cite", "data", "srcset", "ping"]);
const STRIP = /[\u0000-\u0020\u007f-\u009f\u00a0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/g;

const isElement = (n: Node): n is Element => "tagName" in n;

function collect(nodes: Node[], out: string[]) {
  for (const n of nodes) {
    if (n.nodeName === "#comment") out.push("comment node");
    if (!isElement(n)) continue;
    const tag = n.tagName.toLowerCase();
    if (n.namespaceURI !== HTML_NS) out.push(`foreign element <${tag}> (${n.namespaceURI})`);
    if (FORBIDDEN_TAGS.has(tag)) out.push(`forbidden element <${tag}>`);
    else if (!ALLOWED[tag]) out.push(`unexpected element <${tag}>`);
    for (const attr of n.attrs) {
      const name = (attr.prefix ? `${attr.prefix}:${attr.name}` : attr.name).toLowerCase();
      if (name.startsWith("on")) out.push(`event handler ${name} on <${tag}>`);
      if (name === "style") out.push(`style attribute on <${tag}>`);
      if (name === "srcdoc") out.push(`srcdoc on <${tag}>`);
      if (URL_ATTRS.has(name)) {
        // parse5 has already decoded character references, as a browser does.
        const cleaned = attr.value.replace(STRIP, "");
        if (!/^(https?|mailto):/i.test(cleaned)) out.push(`unsafe ${name}="${attr.value}" on <${tag}>`);
      }
      if (ALLOWED[tag] && !ALLOWED[tag].has(name)) out.push(`unexpected attribute ${name} on <${tag}>`);
    }
    if (tag === "a" && n.attrs.some((a) => a.name === "href")) {
      const rel = n.attrs.find((a) => a.name === "rel")?.value.split(/\s+/) ?? [];
      for (const needed of ["noopener", "noreferrer", "nofollow"]) if (!rel.includes(needed)) out.push(`link without rel=${needed}`);
    }
    collect(n.childNodes, out);
    if (tag === "template") collect((n as DefaultTreeAdapterMap["template"]).content.childNodes, out);
  }
}

/** Problems found in `html`, parsed as the inner HTML of a <div>, then re-serialized and parsed again (mutation check). */
export function htmlSafetyProblems(html: string): string[] {
  const out: string[] = [];
  const first = parseFragment(html);
  collect(first.childNodes, out);
  const second = parseFragment(serialize(first));
  collect(second.childNodes, out);
  return [...new Set(out)];
}

/** Text content as a browser would see it. */
export function htmlTextContent(html: string): string {
  const walk = (nodes: Node[]): string =>
    nodes.map((n) => (n.nodeName === "#text" ? (n as DefaultTreeAdapterMap["textNode"]).value : isElement(n) ? walk(n.childNodes) : "")).join("");
  return walk(parseFragment(html).childNodes);
}
