// Browser-only rich-text editor (Tiptap). Callers render it behind a client-only
// guard and translate every label; the form submits the document JSON through a
// hidden input, which the server re-validates with parseRichText.
import { EditorContent, useEditor, useEditorState, type Editor, type JSONContent } from "@tiptap/react";
import type { SuggestionKeyDownProps, SuggestionProps } from "@tiptap/suggestion";
import { Bold, Code, Heading2, Italic, Link as LinkIcon, List, ListOrdered, Quote, type LucideIcon } from "lucide-react";
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from "react";
import { createRichTextExtensions, EMPTY_DOC, isSafeHref, type MentionItem } from "./rich-text";

export type RichTextEditorLabels = {
  /** Accessible name of the writing area. */
  editor: string;
  toolbar: string;
  bold: string;
  italic: string;
  heading: string;
  bulletList: string;
  orderedList: string;
  blockquote: string;
  code: string;
  link: string;
  /** Text of the prompt asking for a link address. */
  linkPrompt: string;
  /** Shown when the address is not an http(s) or mailto link. */
  linkInvalid: string;
  /** Accessible name of the @mention suggestion list. */
  mentionList: string;
  mentionEmpty: string;
};

export type RichTextEditorProps = {
  name: string;
  labels: RichTextEditorLabels;
  /** GET `${url}?q=…` → `{ items: { id, label }[] }`. */
  mentionSearchUrl: string;
  initialContent?: JSONContent | null;
  id?: string;
  disabled?: boolean;
  autoFocus?: boolean;
  className?: string;
  "aria-describedby"?: string;
  "aria-invalid"?: boolean;
  onChange?: (doc: JSONContent) => void;
};

type MentionPopup = {
  items: MentionItem[];
  loading: boolean;
  selected: number;
  rect: DOMRect | null;
  command: (item: MentionItem) => void;
};

const MAX_SUGGESTIONS = 8;

async function searchPeople(url: string, query: string, signal: AbortSignal): Promise<MentionItem[]> {
  try {
    const target = new URL(url, window.location.href);
    target.searchParams.set("q", query);
    const res = await fetch(target, { signal, headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!res.ok) return [];
    const body: unknown = await res.json();
    const items = (body as { items?: unknown })?.items;
    if (!Array.isArray(items)) return [];
    return items
      .filter(
        (i): i is MentionItem =>
          typeof i === "object" && i !== null && typeof (i as MentionItem).id === "string" && typeof (i as MentionItem).label === "string",
      )
      .slice(0, MAX_SUGGESTIONS)
      .map(({ id, label }) => ({ id, label }));
  } catch {
    return []; // aborted or offline: no suggestions
  }
}

function normalizeLinkInput(raw: string): string {
  const v = raw.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(v)) return v;
  if (/^[^\s/@]+@[^\s/@]+\.[^\s/@]+$/.test(v)) return `mailto:${v}`;
  return `https://${v}`;
}

export function RichTextEditor({
  name,
  labels,
  mentionSearchUrl,
  initialContent,
  id,
  disabled = false,
  autoFocus = false,
  className,
  "aria-describedby": describedBy,
  "aria-invalid": invalid,
  onChange,
}: RichTextEditorProps) {
  const autoId = useId();
  const editorId = id ?? `rte-${autoId}`;
  const listId = `${editorId}-mentions`;

  const [value, setValue] = useState(() => JSON.stringify(initialContent ?? EMPTY_DOC));
  const [popup, setPopup] = useState<MentionPopup | null>(null);
  const popupRef = useRef<MentionPopup | null>(null);
  popupRef.current = popup;
  const searchUrl = useRef(mentionSearchUrl);
  searchUrl.current = mentionSearchUrl;
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;

  const extensions = useMemo(
    () =>
      createRichTextExtensions({
        mentionSuggestion: {
          char: "@",
          debounce: 150,
          items: ({ query, signal }) => searchPeople(searchUrl.current, query, signal),
          render: () => {
            const show = (p: SuggestionProps<MentionItem, MentionItem>) =>
              setPopup((prev) => ({
                items: p.items,
                loading: p.loading,
                selected: prev && prev.items === p.items ? prev.selected : 0,
                rect: p.clientRect?.() ?? null,
                command: p.command,
              }));
            return {
              onStart: show,
              onUpdate: show,
              onExit: () => setPopup(null),
              onKeyDown: ({ event }: SuggestionKeyDownProps) => {
                const current = popupRef.current;
                if (!current) return false;
                if (event.key === "Escape") {
                  popupRef.current = null;
                  setPopup(null);
                  return true;
                }
                if (!current.items.length) return false;
                if (event.key === "ArrowDown" || event.key === "ArrowUp") {
                  const step = event.key === "ArrowDown" ? 1 : -1;
                  const n = current.items.length;
                  const next = { ...current, selected: (current.selected + step + n) % n };
                  popupRef.current = next;
                  setPopup(next);
                  return true;
                }
                if (event.key === "Enter" || event.key === "Tab") {
                  const item = current.items[current.selected];
                  if (item) current.command(item);
                  return true;
                }
                return false;
              },
            };
          },
        },
      }),
    [],
  );

  const editor = useEditor({
    extensions,
    content: initialContent ?? EMPTY_DOC,
    // This module only ever runs in the browser (loaded on demand after hydration): the editor is
    // built during this render, so it enters the page in the same commit as the plain field leaves.
    immediatelyRender: true,
    editable: !disabled,
    // Taken below in the same task, not on Tiptap's timer (setTimeout, then a frame): in between,
    // the focus would sit on the page, and a key pressed then is lost or moves on past the field.
    autofocus: false,
    editorProps: {
      attributes: {
        id: editorId,
        role: "textbox",
        "aria-multiline": "true",
        "aria-label": labels.editor,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(invalid ? { "aria-invalid": "true" } : {}),
        class:
          "min-h-32 max-w-none px-3 py-2 focus:outline-none [&_a]:text-brand-700 [&_a]:underline [&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_h2]:text-lg [&_h2]:font-semibold [&_h3]:font-semibold [&_ol]:list-decimal [&_ol]:pl-6 [&_pre]:rounded [&_pre]:bg-slate-100 [&_pre]:p-2 [&_ul]:list-disc [&_ul]:pl-6 [&_span[data-type]]:font-medium [&_span[data-type]]:text-brand-700",
      },
    },
    onUpdate: ({ editor: e }) => {
      const doc = e.getJSON();
      setValue(JSON.stringify(doc));
      onChangeRef.current?.(doc);
    },
  });

  useEffect(() => {
    editor?.setEditable(!disabled);
  }, [editor, disabled]);

  // Runs after EditorContent has put the writing area in the page (a child's layout effect runs first).
  const focusTaken = useRef(false);
  useLayoutEffect(() => {
    if (!autoFocus || !editor || focusTaken.current) return;
    focusTaken.current = true;
    editor.commands.setTextSelection(editor.state.doc.content.size); // the caret after what was typed
    editor.view.focus();
  }, [editor, autoFocus]);

  // The writing area points at the listbox and its active option while suggestions are open.
  // ProseMirror only manages the attributes it set itself, so these survive updates.
  useLayoutEffect(() => {
    const dom = editor?.view.dom;
    if (!dom) return;
    if (popup) {
      dom.setAttribute("aria-controls", listId);
      if (popup.items.length) dom.setAttribute("aria-activedescendant", `${listId}-${popup.selected}`);
      else dom.removeAttribute("aria-activedescendant");
    } else {
      dom.removeAttribute("aria-controls");
      dom.removeAttribute("aria-activedescendant");
    }
  }, [editor, popup, listId]);

  const active = useEditorState({
    editor,
    selector: ({ editor: e }: { editor: Editor | null }) => ({
      bold: !!e?.isActive("bold"),
      italic: !!e?.isActive("italic"),
      heading: !!e?.isActive("heading", { level: 2 }),
      bulletList: !!e?.isActive("bulletList"),
      orderedList: !!e?.isActive("orderedList"),
      blockquote: !!e?.isActive("blockquote"),
      code: !!e?.isActive("code"),
      link: !!e?.isActive("link"),
    }),
  });

  const toggleLink = () => {
    if (!editor) return;
    if (editor.isActive("link")) {
      editor.chain().focus().extendMarkRange("link").unsetLink().run();
      return;
    }
    const raw = window.prompt(labels.linkPrompt);
    if (raw === null || !raw.trim()) return;
    const href = normalizeLinkInput(raw);
    if (!isSafeHref(href)) {
      window.alert(labels.linkInvalid);
      return;
    }
    if (editor.state.selection.empty) {
      editor
        .chain()
        .focus()
        .insertContent({ type: "text", text: raw.trim(), marks: [{ type: "link", attrs: { href } }] })
        .run();
    } else {
      editor.chain().focus().extendMarkRange("link").setLink({ href }).run();
    }
  };

  const buttons: Array<{ key: keyof typeof labels & keyof NonNullable<typeof active>; Icon: LucideIcon; run: () => void }> = [
    { key: "bold", Icon: Bold, run: () => editor?.chain().focus().toggleBold().run() },
    { key: "italic", Icon: Italic, run: () => editor?.chain().focus().toggleItalic().run() },
    { key: "heading", Icon: Heading2, run: () => editor?.chain().focus().toggleHeading({ level: 2 }).run() },
    { key: "bulletList", Icon: List, run: () => editor?.chain().focus().toggleBulletList().run() },
    { key: "orderedList", Icon: ListOrdered, run: () => editor?.chain().focus().toggleOrderedList().run() },
    { key: "blockquote", Icon: Quote, run: () => editor?.chain().focus().toggleBlockquote().run() },
    { key: "code", Icon: Code, run: () => editor?.chain().focus().toggleCode().run() },
    { key: "link", Icon: LinkIcon, run: toggleLink },
  ];

  // Toolbar keyboard pattern: one tab stop, arrows move between buttons.
  const [focusIndex, setFocusIndex] = useState(0);
  const buttonRefs = useRef<Array<HTMLButtonElement | null>>([]);
  const onToolbarKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const last = buttons.length - 1;
    const next =
      event.key === "ArrowRight" ? (focusIndex === last ? 0 : focusIndex + 1)
      : event.key === "ArrowLeft" ? (focusIndex === 0 ? last : focusIndex - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? last
      : null;
    if (next === null) return;
    event.preventDefault();
    setFocusIndex(next);
    buttonRefs.current[next]?.focus();
  };

  const rect = popup?.rect;

  return (
    <div className={["rounded-lg border border-slate-300 bg-white focus-within:border-brand-600", className].filter(Boolean).join(" ")}>
      <div
        role="toolbar"
        aria-label={labels.toolbar}
        aria-controls={editorId}
        className="flex flex-wrap gap-1 border-b border-slate-200 p-1"
        onKeyDown={onToolbarKeyDown}
      >
        {buttons.map((b, i) => (
          <button
            key={b.key}
            ref={(el) => {
              buttonRefs.current[i] = el;
            }}
            type="button"
            aria-label={labels[b.key]}
            title={labels[b.key]}
            aria-pressed={!!active?.[b.key]}
            tabIndex={i === focusIndex ? 0 : -1}
            disabled={!editor || disabled}
            onFocus={() => setFocusIndex(i)}
            onClick={b.run}
            className="inline-flex min-w-8 items-center justify-center rounded px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 disabled:opacity-50 aria-pressed:bg-slate-200 aria-pressed:text-slate-900"
          >
            <b.Icon aria-hidden="true" className="size-4" />
          </button>
        ))}
      </div>

      <EditorContent editor={editor} />
      <input type="hidden" name={name} value={value} />

      {popup ? (
        <ul
          id={listId}
          role="listbox"
          aria-label={labels.mentionList}
          aria-busy={popup.loading || undefined}
          className="fixed z-50 max-h-64 min-w-48 overflow-auto rounded-md border border-slate-200 bg-white py-1 text-sm shadow-lg"
          style={rect ? { top: rect.bottom + 4, left: rect.left } : { display: "none" }}
        >
          {popup.items.map((item, i) => (
            <li
              key={item.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === popup.selected}
              className={`cursor-pointer px-3 py-1.5 ${i === popup.selected ? "bg-brand-50 text-brand-800" : "text-slate-700"}`}
              // mousedown, not click: keep focus (and the selection) in the editor
              onMouseDown={(event) => {
                event.preventDefault();
                popup.command(item);
              }}
            >
              {item.label}
            </li>
          ))}
          {popup.items.length === 0 && !popup.loading ? (
            <li role="presentation" className="px-3 py-1.5 text-slate-500">
              {labels.mentionEmpty}
            </li>
          ) : null}
        </ul>
      ) : null}
    </div>
  );
}
