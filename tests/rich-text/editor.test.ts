// @vitest-environment happy-dom
import type { Editor } from "@tiptap/core";
import { act, createElement } from "react";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RichTextEditor, type RichTextEditorLabels } from "../../app/content/editor.client";
import { parseRichText } from "../../app/content/rich-text.server";

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const LABELS: RichTextEditorLabels = {
  editor: "Message",
  toolbar: "Formatting",
  bold: "Bold",
  italic: "Italic",
  heading: "Heading",
  bulletList: "Bulleted list",
  orderedList: "Numbered list",
  blockquote: "Quote",
  code: "Code",
  link: "Link",
  linkPrompt: "Link address",
  linkInvalid: "Only web and e-mail links are allowed",
  mentionList: "People",
  mentionEmpty: "No one found",
};

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
  root = createRoot(container);
});
afterEach(async () => {
  await act(async () => root.unmount());
  container.remove();
  vi.unstubAllGlobals();
});

async function mount(props: Partial<Parameters<typeof RichTextEditor>[0]> = {}) {
  await act(async () => {
    root.render(createElement(RichTextEditor, { name: "body", labels: LABELS, mentionSearchUrl: "/people/search", ...props }));
  });
  await vi.waitFor(() => expect(container.querySelector(".ProseMirror")).not.toBeNull());
  const dom = container.querySelector(".ProseMirror") as HTMLElement & { editor?: Editor };
  const editor = dom.editor!;
  const hidden = () => JSON.parse((container.querySelector('input[type="hidden"][name="body"]') as HTMLInputElement).value);
  const button = (label: string) => container.querySelector(`button[aria-label="${label}"]`) as HTMLButtonElement;
  return { dom, editor, hidden, button };
}

describe("RichTextEditor", () => {
  it("renders an accessible toolbar and writing area", async () => {
    const { dom, button } = await mount();
    const toolbar = container.querySelector('[role="toolbar"]')!;
    expect(toolbar.getAttribute("aria-label")).toBe("Formatting");
    const labels = [...toolbar.querySelectorAll("button")].map((b) => b.getAttribute("aria-label"));
    expect(labels).toEqual(["Bold", "Italic", "Heading", "Bulleted list", "Numbered list", "Quote", "Code", "Link"]);
    expect([...toolbar.querySelectorAll("button")].map((b) => b.getAttribute("aria-pressed"))).toEqual(Array(8).fill("false"));
    // one tab stop in the toolbar
    expect([...toolbar.querySelectorAll("button")].filter((b) => b.tabIndex === 0)).toHaveLength(1);
    expect(button("Bold").type).toBe("button");
    expect(dom.getAttribute("role")).toBe("textbox");
    expect(dom.getAttribute("aria-label")).toBe("Message");
    expect(dom.getAttribute("aria-multiline")).toBe("true");
  });

  it("keeps the hidden input in sync with the document, and the server accepts it", async () => {
    const initial = { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "Bonjour" }] }] };
    const { editor, hidden, button } = await mount({ initialContent: initial });
    expect(hidden()).toEqual(initial);

    await act(async () => {
      editor.commands.selectAll();
      button("Bold").click();
    });
    expect(button("Bold").getAttribute("aria-pressed")).toBe("true");
    await act(async () => {
      editor.chain().focus("end").unsetBold().insertContent(" #Conformité $BNP").run();
    });
    const submitted = hidden();
    expect(submitted.content[0].content[0]).toEqual({ type: "text", text: "Bonjour", marks: [{ type: "bold" }] });
    const r = parseRichText(JSON.stringify(submitted));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.entities).toMatchObject({ hashtags: ["conformité"], cashtags: ["BNP"] });
  });

  it("turns a typed #tag and $TICKER into nodes when followed by a space", async () => {
    const { editor, hidden } = await mount();
    const type = async (s: string) => {
      for (const ch of s) {
        await act(async () => {
          const { from, to } = editor.state.selection;
          const handled = editor.view.someProp("handleTextInput", (f) => f(editor.view, from, to, ch, () => editor.state.tr.insertText(ch, from, to)));
          if (!handled) editor.view.dispatch(editor.state.tr.insertText(ch, from, to));
        });
      }
    };
    await act(async () => {
      editor.commands.focus("end");
    });
    await type("voir #éthique et $BRK.B ok");
    const para = hidden().content[0].content;
    expect(para).toEqual([
      { type: "text", text: "voir " },
      { type: "hashtag", attrs: { tag: "éthique" } },
      { type: "text", text: " et " },
      { type: "cashtag", attrs: { symbol: "BRK.B" } },
      { type: "text", text: " ok" },
    ]);
  });

  it("suggests people from mentionSearchUrl and inserts the chosen mention", async () => {
    const fetchMock = vi.fn(async (url: URL | string) => {
      expect(new URL(String(url)).searchParams.get("q")).toMatch(/^al?$/);
      return new Response(JSON.stringify({ items: [{ id: "u-alice", label: "Alice Martin" }, { id: "u-albert", label: "Albert Roy" }] }), {
        headers: { "content-type": "application/json" },
      });
    });
    vi.stubGlobal("fetch", fetchMock);
    const { editor, dom, hidden } = await mount();
    await act(async () => {
      editor.chain().focus("end").insertContent("@al").run();
    });
    // let the 150 ms debounce and the fetch resolve inside act (React flushes when act ends)
    await act(async () => {
      await vi.waitFor(() => expect(fetchMock).toHaveBeenCalled(), { timeout: 2000 });
      await new Promise((resolve) => setTimeout(resolve, 50));
    });
    expect(container.querySelectorAll('[role="option"]')).toHaveLength(2);
    const list = container.querySelector('[role="listbox"]')!;
    expect(list.getAttribute("aria-label")).toBe("People");
    expect(dom.getAttribute("aria-controls")).toBe(list.id);
    expect(dom.getAttribute("aria-activedescendant")).toBe(container.querySelector('[role="option"][aria-selected="true"]')!.id);

    await act(async () => {
      dom.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    });
    expect(container.querySelector('[role="option"][aria-selected="true"]')!.textContent).toBe("Albert Roy");
    await act(async () => {
      dom.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    });
    await vi.waitFor(() => expect(container.querySelector('[role="listbox"]')).toBeNull());
    expect(hidden().content[0].content[0]).toEqual({ type: "mention", attrs: { id: "u-albert", label: "Albert Roy", mentionSuggestionChar: "@" } });
    expect(fetchMock).toHaveBeenCalled();
  });

  it("adds only safe links from the link button", async () => {
    const { editor, hidden, button } = await mount({ initialContent: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: "site" }] }] } });
    const prompt = vi.fn(() => "javascript:alert(1)");
    const alert = vi.fn();
    vi.stubGlobal("prompt", prompt);
    vi.stubGlobal("alert", alert);
    await act(async () => {
      editor.commands.selectAll();
      button("Link").click();
    });
    expect(alert).toHaveBeenCalledWith(LABELS.linkInvalid);
    expect(hidden().content[0].content[0].marks).toBeUndefined();

    prompt.mockReturnValue("example.com/page");
    await act(async () => {
      editor.commands.selectAll();
      button("Link").click();
    });
    expect(hidden().content[0].content[0].marks[0].attrs.href).toBe("https://example.com/page");
    expect(button("Link").getAttribute("aria-pressed")).toBe("true");
  });
});
