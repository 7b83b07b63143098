import { Link } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { useT } from "~/i18n";
import { Input } from "./ui";

// The ask form's title field: while it is typed, questions that look the same (in the
// viewer's scope) are listed under it, from /api/questions/similar.

type Similar = { id: string; title: string; href: string; answered: boolean; closed: boolean };
const DEBOUNCE_MS = 150;

export function SimilarQuestions({ defaultValue, error }: { defaultValue: string; error?: string }) {
  const { t } = useT();
  const [items, setItems] = useState<Similar[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const inflight = useRef<AbortController | null>(null);
  useEffect(() => () => {
    clearTimeout(timer.current);
    inflight.current?.abort();
  }, []);

  function lookup(q: string) {
    clearTimeout(timer.current);
    inflight.current?.abort();
    if (q.trim().length < 3) return setItems([]);
    timer.current = setTimeout(async () => {
      const controller = new AbortController();
      inflight.current = controller;
      try {
        const res = await fetch(`/api/questions/similar?q=${encodeURIComponent(q.trim())}`, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (res.ok) setItems(((await res.json()) as { items?: Similar[] }).items ?? []);
      } catch {
        // aborted by a newer keystroke, or offline: the form still submits
      }
    }, DEBOUNCE_MS);
  }

  return (
    <div className="space-y-1">
      <Input
        id="q-title"
        name="title"
        label={t("qa.field.title")}
        hint={t("qa.field.titleHint")}
        errors={error}
        defaultValue={defaultValue}
        autoComplete="off"
        onChange={(e) => lookup(e.currentTarget.value)}
      />
      {items.length ? (
        <section aria-labelledby="similar-heading" className="rounded-lg border border-amber-200 bg-amber-50 p-3" aria-live="polite">
          <h2 id="similar-heading" className="text-sm font-semibold text-slate-900">
            {t("qa.similar.title")}
          </h2>
          <ul className="mt-1 space-y-1 text-sm" data-testid="similar-questions">
            {items.map((s) => (
              <li key={s.id}>
                <Link to={s.href} className="text-brand-700 hover:underline">
                  {s.title}
                </Link>
                {s.answered ? <span className="ml-2 text-xs text-emerald-700">{t("qa.similar.answered")}</span> : null}
                {s.closed ? <span className="ml-2 text-xs text-slate-600">{t("qa.similar.closed")}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
