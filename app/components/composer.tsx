import { useActionData, useFetcher } from "@remix-run/react";
import type { JSONContent } from "@tiptap/core";
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ComponentType, type ReactNode, type RefObject } from "react";
import type { RichTextEditorLabels, RichTextEditorProps } from "~/content/editor.client";
import type { PostableSpace } from "~/content/composer.server";
import { plainTextToDoc } from "~/content/plain-text";
import { useT } from "~/i18n";
import { Button, cx } from "./ui";
import { UsagePolicyLink } from "./usage-policy-link";

/** What an action answers a composer with: nothing useful on success (or a redirect), field errors on 400. */
export type ComposerResult = { ok: true } | { ok: false; errors: Record<string, string>; formError?: string; formLink?: string; values: Record<string, string> };

export const MENTION_SEARCH_URL = "/api/mentions";

/**
 * Loads the Tiptap editor in the browser only and only when wanted: a dynamic import,
 * so the server bundle never evaluates the `.client` module and the feed's first view
 * does not download it. `eager` loads at once (editing a document, autofocus); otherwise
 * `want()` is called on the first sign of intent (pointer over the field, focus). Until it
 * arrives the composer is a plain labelled textarea (and stays one without JavaScript).
 */
function useClientEditor(eager: boolean, textarea: RefObject<HTMLTextAreaElement | null>) {
  const [state, setState] = useState<{ Editor: ComponentType<RichTextEditorProps> } | null>(null);
  const [wanted, setWanted] = useState(eager);
  useEffect(() => {
    // focused before the page was hydrated: the focus event was not seen
    if (textarea.current && document.activeElement === textarea.current) setWanted(true);
  }, [textarea]);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    import("~/content/editor.client").then(
      (m) => live && setState({ Editor: m.RichTextEditor }),
      () => {}, // keep the textarea if the chunk cannot load
    );
    return () => {
      live = false;
    };
  }, [wanted, textarea]);
  const want = useCallback(() => setWanted(true), []);
  return { Editor: state?.Editor ?? null, want };
}

export function useEditorLabels(label: string): RichTextEditorLabels {
  const { t } = useT();
  return useMemo(
    () => ({
      editor: label,
      toolbar: t("editor.toolbar"),
      bold: t("editor.bold"),
      italic: t("editor.italic"),
      heading: t("editor.heading"),
      bulletList: t("editor.bulletList"),
      orderedList: t("editor.orderedList"),
      blockquote: t("editor.blockquote"),
      code: t("editor.code"),
      link: t("editor.link"),
      linkPrompt: t("editor.linkPrompt"),
      linkInvalid: t("editor.linkInvalid"),
      mentionList: t("editor.mentionList"),
      mentionEmpty: t("editor.mentionEmpty"),
    }),
    [t, label],
  );
}

function parseDoc(json: string | undefined): JSONContent | null {
  if (!json) return null;
  try {
    const doc = JSON.parse(json) as JSONContent;
    return doc && doc.type === "doc" ? doc : null;
  } catch {
    return null;
  }
}

export type ComposerProps = {
  /** Route the form posts to, e.g. "/?index" or "/posts/<id>". */
  action: string;
  intent: string;
  /** Distinguishes several composers on one page (errors and resets go to the right one). */
  formId: string;
  label: string;
  submitLabel: string;
  pendingLabel?: string;
  /** When given, a "Post to" selector: '' is everyone in the organisation. */
  spaces?: readonly PostableSpace[] | null;
  defaultSpaceId?: string;
  hiddenFields?: Record<string, string>;
  /** Visible fields above the body (e.g. a title), reset with it after a successful submit. */
  extraFields?: ReactNode;
  /** Edit: the current document, and its plain text for the no-JavaScript textarea. */
  initialDoc?: JSONContent | null;
  initialText?: string;
  compact?: boolean;
  autoFocus?: boolean;
  /** Keep the text after a successful submit (edit forms redirect anyway). */
  resetOnSuccess?: boolean;
  onCancel?: () => void;
  onDone?: () => void;
  className?: string;
};

export function Composer(props: ComposerProps) {
  const { t } = useT();
  const labels = useEditorLabels(props.label);
  const fetcher = useFetcher<ComposerResult>({ key: `composer-${props.formId}` });
  // Without JavaScript the page is rendered from the action's answer instead of the fetcher's.
  const actionData = useActionData<ComposerResult>();
  const pageFailure = actionData && !actionData.ok && actionData.values?.formId === props.formId ? actionData : null;
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const { Editor, want } = useClientEditor(!!props.initialDoc || !!props.autoFocus || !!pageFailure?.values?.body, textareaRef);
  // Asked in the render that swaps the field for the editor (the same task as the commit and the
  // editor's focus): a keyboard user who tabbed to the field and types on keeps the focus, and no
  // keystroke falls between the two.
  const handOff = useRef<boolean | null>(null);
  if (Editor && handOff.current === null) handOff.current = !!textareaRef.current && document.activeElement === textareaRef.current;

  const [failure, setFailure] = useState<Extract<ComposerResult, { ok: false }> | null>(pageFailure);
  const [resetKey, setResetKey] = useState(0);
  const wasBusy = useRef(false);
  const busy = fetcher.state !== "idle";
  const uid = useId();
  const fieldId = `${uid}-body`;
  const errorId = `${uid}-error`;

  const { onDone, resetOnSuccess = true } = props;
  useEffect(() => {
    if (busy) {
      wasBusy.current = true;
      return;
    }
    if (!wasBusy.current) return;
    wasBusy.current = false;
    const data = fetcher.data;
    if (data && !data.ok) {
      setFailure(data);
      return;
    }
    setFailure(null);
    if (resetOnSuccess) setResetKey((k) => k + 1);
    onDone?.();
  }, [busy, fetcher.data, onDone, resetOnSuccess]);

  const values = failure?.values ?? {};
  const bodyError = failure?.errors.body ?? failure?.errors.bodyText;
  const otherError = failure ? (failure.formError ?? failure.errors._form ?? failure.errors.spaceId ?? failure.errors.intent) : undefined;

  // Text typed before the editor loaded, a failed submission, or the document being edited.
  const initialContent = useMemo(() => {
    const typed = textareaRef.current?.value;
    return parseDoc(values.body) ?? (typed ? plainTextToDoc(typed) : null) ?? props.initialDoc ?? (values.bodyText ? plainTextToDoc(values.bodyText) : null);
    // Recomputed when the editor (re)mounts; a mounted editor ignores later values.
  }, [Editor, resetKey, failure]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <fetcher.Form method="post" action={props.action} className={cx("space-y-3", props.className)} aria-busy={busy || undefined}>
      <input type="hidden" name="intent" value={props.intent} />
      <input type="hidden" name="formId" value={props.formId} />
      {Object.entries(props.hiddenFields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {props.extraFields ? <div key={`extra-${resetKey}`}>{props.extraFields}</div> : null}

      <div className="space-y-1.5" onPointerEnter={want} onFocus={want} onTouchStart={want}>
        <label htmlFor={fieldId} className={cx("block font-medium text-slate-800", props.compact ? "text-xs" : "text-sm")}>
          {props.label}
        </label>
        {Editor ? (
          <Editor
            key={`editor-${resetKey}`}
            id={fieldId}
            name="body"
            labels={labels}
            mentionSearchUrl={MENTION_SEARCH_URL}
            initialContent={initialContent}
            autoFocus={props.autoFocus || !!handOff.current}
            disabled={busy}
            aria-invalid={bodyError ? true : undefined}
            aria-describedby={bodyError ? errorId : undefined}
            className={props.compact ? "[&_.ProseMirror]:min-h-16" : undefined}
          />
        ) : (
          <textarea
            key={`text-${resetKey}`}
            ref={textareaRef}
            id={fieldId}
            name="bodyText"
            defaultValue={values.bodyText ?? props.initialText ?? ""}
            placeholder={t("composer.placeholder")}
            autoFocus={props.autoFocus}
            rows={props.compact ? 2 : 4}
            maxLength={50_000}
            aria-invalid={bodyError ? true : undefined}
            aria-describedby={bodyError ? errorId : undefined}
            className={cx(
              "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-slate-900 shadow-xs placeholder:text-slate-400",
              bodyError ? "border-red-500" : "border-slate-300 hover:border-slate-400",
            )}
          />
        )}
        {bodyError ? (
          <p id={errorId} role="alert" className="text-sm text-red-700">
            {bodyError}
          </p>
        ) : null}
      </div>

      <div className="flex flex-wrap items-end justify-between gap-3">
        {props.spaces ? (
          <div className="space-y-1">
            <label htmlFor={`${uid}-space`} className="block text-xs font-medium text-slate-600">
              {t("composer.space")}
            </label>
            <select
              id={`${uid}-space`}
              name="spaceId"
              defaultValue={values.spaceId ?? props.defaultSpaceId ?? ""}
              className="h-9 max-w-64 rounded-lg border border-slate-300 bg-white px-2 text-sm text-slate-900 shadow-xs"
            >
              <option value="">{t("composer.everyone")}</option>
              {props.spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
        ) : (
          <span />
        )}
        <div className="flex items-center gap-2">
          {props.onCancel ? (
            <Button type="button" variant="ghost" size="sm" onClick={props.onCancel}>
              {t("composer.cancel")}
            </Button>
          ) : null}
          <Button type="submit" size={props.compact ? "sm" : "md"} disabled={busy}>
            {busy ? (props.pendingLabel ?? t("composer.submitting")) : props.submitLabel}
          </Button>
        </div>
      </div>
      {otherError ? (
        <p role="alert" className="text-sm text-red-700">
          {otherError} <UsagePolicyLink href={failure?.formLink} />
        </p>
      ) : null}
    </fetcher.Form>
  );
}
