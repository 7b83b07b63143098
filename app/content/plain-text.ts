import type { JSONContent } from "@tiptap/core";

/**
 * A document from plain text: one paragraph per line, blank lines kept as empty
 * paragraphs. Used when the composer's JavaScript has not loaded (the textarea
 * fallback) and to carry text typed before hydration into the editor.
 */
export function plainTextToDoc(text: string): JSONContent {
  const lines = text.replace(/\r\n?/g, "\n").replace(/^\n+|\s+$/g, "").split("\n");
  return {
    type: "doc",
    content: lines.map((line) => (line.trim() ? { type: "paragraph", content: [{ type: "text", text: line }] } : { type: "paragraph" })),
  };
}
