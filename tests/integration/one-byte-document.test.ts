import v8 from "node:v8";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { escapeHtml } from "@remix-run/server-runtime/dist/markup.js";
import { oneByteHtml } from "../../app/utils/one-byte-html";

// Issue 19: a single character above U+00FF made V8 hold the whole rendered page at two bytes a
// character (~0.6–0.9 ms of CPU a page to widen and encode it). React's text and attributes
// (patches/react-dom+18.3.1.patch), Remix's inline JSON (patches/@remix-run+…) and the HTML we
// insert ourselves (oneByteHtml) write such characters as references, so the document stays one byte.

/** V8's own representation of a string: the serializer's tag is '"' for one byte, 'c' for two. */
const oneByte = (s: string) => String.fromCharCode(v8.serialize(s)[2]) === '"';
const WIDE = "Share news… l’auteur — 9:53\u202fAM 😀";

describe("a page with wide characters renders as a one-byte string", () => {
  it("React writes them as character references in text and attributes, surrogate pairs as one", () => {
    const html = renderToString(createElement("p", { title: WIDE }, WIDE, " «é» <b> & \ud800"));
    expect(html).toBe(
      '<p title="Share news&#x2026; l&#x2019;auteur &#x2014; 9:53&#x202f;AM &#x1f600;">Share news&#x2026; l&#x2019;auteur &#x2014; 9:53&#x202f;AM &#x1f600;<!-- --> «é» &lt;b&gt; &amp; &#xfffd;</p>',
    );
    expect(oneByte(`<!DOCTYPE html>${html}`)).toBe(true);
    // without the patch the same page is two bytes a character
    expect(oneByte(`<p>${WIDE}</p>`)).toBe(false);
  });

  it("Remix's inline JSON escapes them as \\u sequences that parse back to the same data", () => {
    const data = { title: WIDE, html: "<p>ok</p> & \u2028", plain: "é" };
    const json = escapeHtml(JSON.stringify(data));
    expect(oneByte(json)).toBe(true);
    expect(json).not.toMatch(/[<>&\u0100-\uffff]/);
    expect(JSON.parse(json)).toEqual(data);
  });

  it("oneByteHtml: stored rich text and highlights keep their meaning, in one byte", () => {
    const html = `<p class="x">${WIDE} <mark>é</mark></p>`;
    const out = oneByteHtml(html);
    expect(out).toBe('<p class="x">Share news&#x2026; l&#x2019;auteur &#x2014; 9:53&#x202f;AM &#x1f600; <mark>é</mark></p>');
    expect(oneByte(out)).toBe(true);
    expect(oneByteHtml("<p>plain é</p>")).toBe("<p>plain é</p>");
  });
});
