import { useLocation, useNavigate } from "@remix-run/react";
import { UserRound } from "lucide-react";
import { forwardRef, useCallback, useEffect, useId, useRef, useState, type InputHTMLAttributes, type KeyboardEvent } from "react";
import { pluralRules, useT } from "~/i18n";
import { cx } from "./ui";
import { oneByteHtml } from "~/utils/one-byte-html";

// The header's search box as a combobox: suggestions from /api/search while typing,
// arrow keys and Enter to open one, Escape to close. Without JavaScript it is the
// plain input of a GET form to /search.

type Suggestion = { type: "person" | "content"; id: string; postId: string | null; href: string; title: string; highlight: string };

const DEBOUNCE_MS = 150;
// Kept here rather than imported: the shell is in every page's bundle.
const markClasses = "text-slate-600 [&_mark]:rounded-sm [&_mark]:bg-amber-100 [&_mark]:px-0.5 [&_mark]:text-slate-900";
const MIN_CHARS = 2;

export const SearchSuggestInput = forwardRef<HTMLInputElement, InputHTMLAttributes<HTMLInputElement>>(function SearchSuggestInput(
  { onChange, onKeyDown, onBlur, onFocus, ...props },
  ref
) {
  const { t, locale } = useT();
  const navigate = useNavigate();
  const location = useLocation();
  const listId = useId();
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inflight = useRef<AbortController | null>(null);
  const expanded = open && items.length > 0;
  const inputRef = useRef<HTMLInputElement | null>(null);
  const setRefs = useCallback(
    (el: HTMLInputElement | null) => {
      inputRef.current = el;
      if (typeof ref === "function") ref(el);
      else if (ref) ref.current = el;
    },
    [ref]
  );

  const close = () => {
    setOpen(false);
    setActive(-1);
  };

  useEffect(close, [location.key]);
  useEffect(
    () => () => {
      clearTimeout(timer.current);
      inflight.current?.abort();
    },
    []
  );

  function suggest(q: string) {
    clearTimeout(timer.current);
    inflight.current?.abort();
    if (q.trim().length < MIN_CHARS) {
      setItems([]);
      close();
      return;
    }
    timer.current = setTimeout(async () => {
      const controller = new AbortController();
      inflight.current = controller;
      try {
        const res = await fetch(`/api/search?q=${encodeURIComponent(q.trim())}`, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!res.ok) return;
        const data = (await res.json()) as { items?: Suggestion[] };
        setItems(data.items ?? []);
        setActive(-1);
        // An answer that arrives after the user has moved on does not pop up.
        setOpen(document.activeElement === inputRef.current);
      } catch {
        // Aborted by a newer keystroke, or offline: Enter still submits the form.
      }
    }, DEBOUNCE_MS);
  }

  function go(item: Suggestion) {
    close();
    navigate(item.href);
  }

  function handleKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    onKeyDown?.(event);
    if (event.defaultPrevented || event.nativeEvent.isComposing) return;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp": {
        if (!items.length) return;
        event.preventDefault();
        setOpen(true);
        const n = items.length;
        setActive((i) => (event.key === "ArrowDown" ? (i + 1) % n : i <= 0 ? n - 1 : i - 1));
        return;
      }
      case "Enter": {
        const item = expanded && active >= 0 ? items[active] : undefined;
        if (!item) return; // no option chosen: the form submits to /search
        event.preventDefault();
        go(item);
        return;
      }
      case "Escape":
        if (!expanded) return; // a second Escape clears the field, as browsers do
        event.preventDefault();
        close();
        return;
    }
  }

  return (
    <>
      <input
        {...props}
        ref={setRefs}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        onChange={(event) => {
          onChange?.(event);
          suggest(event.currentTarget.value);
        }}
        onKeyDown={handleKeyDown}
        onBlur={(event) => {
          onBlur?.(event);
          close();
        }}
        onFocus={(event) => {
          onFocus?.(event);
          if (items.length && event.currentTarget.value.trim().length >= MIN_CHARS) setOpen(true);
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={t("search.suggest.label")}
        hidden={!expanded}
        className="absolute top-full right-0 z-50 mt-1 max-h-[70vh] w-full overflow-y-auto rounded-xl border border-slate-200 bg-white p-1 shadow-lg sm:w-96"
      >
        {items.map((item, i) => (
          <li
            key={`${item.type}:${item.id}`}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            // Keeps focus in the input so the click lands before blur closes the list.
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => setActive(i)}
            onClick={() => go(item)}
            className={cx("cursor-pointer rounded-lg px-3 py-2", i === active ? "bg-brand-50" : "hover:bg-slate-50")}
          >
            <span className="flex items-center gap-1.5 text-sm font-medium text-slate-900">
              {item.type === "person" ? <UserRound aria-hidden="true" className="size-4 shrink-0 text-slate-500" /> : null}
              <span className="truncate">{item.title}</span>
              {item.type === "person" ? <span className="sr-only">{t("search.suggest.person")}</span> : null}
            </span>
            {/* Escaped on the server (safeHighlight): text plus our own <mark> tags only. */}
            <span className={cx("line-clamp-2 block text-xs", markClasses)} dangerouslySetInnerHTML={{ __html: oneByteHtml(item.highlight) }} />
          </li>
        ))}
      </ul>
      <span className="sr-only" role="status">
        {open
          ? items.length
            ? t(pluralRules(locale).select(items.length) === "one" ? "search.suggest.count.one" : "search.suggest.count.other", {
                count: items.length,
              })
            : t("search.suggest.none")
          : ""}
      </span>
    </>
  );
});
