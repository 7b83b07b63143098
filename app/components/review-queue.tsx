import { Form, Link, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { useT, type MessageKey } from "~/i18n";
import { Time, useWhen } from "./time";
import { Button, Card, FormError, Input, Textarea } from "./ui";

// The compliance review queue's item card: the flagged text with its matches, the decision form.

const KIND: Record<string, MessageKey> = { post: "compliance.kind.post", comment: "compliance.kind.comment", question: "compliance.kind.question", answer: "compliance.kind.answer" };
const SEVERITY_STYLE: Record<string, string> = { high: "bg-red-100 text-red-800", medium: "bg-amber-100 text-amber-900", low: "bg-slate-100 text-slate-700" };

/** One queue item as the review page's loader sends it (app/supervision/queue.server.ts; dates in ISO). */
export type FlagItem = {
  id: string;
  contentId: string;
  contentKind: string;
  contentVersion: number;
  currentVersion: number;
  author: string;
  space: string | null;
  createdAt: string;
  severity: string;
  state: "open" | "escalated" | "reviewed" | "hidden";
  policy: string | null;
  sample: { rate: number; draw: number; seedFingerprint: string } | null;
  text: string;
  spans: { start: number; end: number; term: string }[];
  hiddenReason: string | null;
  decidedBy: string | null;
  notes: { author: string; at: string; body: string }[];
};

/** What the page's action answered: bad input is shown on the card it was submitted from. */
export type DecisionFailure = { errors?: Record<string, string | undefined>; values?: Record<string, unknown> } | null;

/** The flagged text with each matched span in <mark>: plain strings sliced by offsets, escaped by React. */
function Highlighted({ text, spans }: { text: string; spans: FlagItem["spans"] }) {
  const parts: ReactNode[] = [];
  let at = 0;
  spans.forEach((s, i) => {
    if (s.start > at) parts.push(text.slice(at, s.start));
    parts.push(
      <mark key={i} title={s.term} className="rounded bg-yellow-200 px-0.5 text-slate-900">
        {text.slice(s.start, s.end)}
      </mark>,
    );
    at = s.end;
  });
  if (at < text.length) parts.push(text.slice(at));
  return <p className="mt-3 whitespace-pre-wrap break-words text-slate-800">{parts}</p>;
}

export function FlagCard({ item, failure }: { item: FlagItem; failure: DecisionFailure }) {
  const { t } = useT();
  const when = useWhen();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("flagId") === item.id;
  const errors = failure && failure.values?.flagId === item.id && navigation.state === "idle" ? failure.errors ?? null : null;
  const kind = t(KIND[item.contentKind] ?? "compliance.kind.other");
  return (
    <Card className="p-5" aria-labelledby={`flag-${item.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id={`flag-${item.id}`} className="font-semibold text-slate-900">
            {t("supervision.item.heading", { kind, author: item.author })}
          </h2>
          <p className="text-sm text-slate-600">
            {t("supervision.item.meta", { space: item.space ?? t("supervision.item.orgWide"), when: when(item.createdAt), version: item.contentVersion })}
          </p>
        </div>
        <div className="flex gap-2 text-xs font-medium">
          <span className={`rounded-full px-2 py-0.5 ${SEVERITY_STYLE[item.severity] ?? ""}`}>{t(`supervision.severity.${item.severity as "low"}`)}</span>
          <span className="rounded-full bg-brand-50 px-2 py-0.5 text-brand-700" data-testid="flag-state">
            {t(`supervision.state.${item.state}`)}
          </span>
        </div>
      </div>
      <p className="mt-2 text-sm text-slate-700">
        {item.sample
          ? t("supervision.item.sampled", { percent: Math.round(item.sample.rate * 10000) / 100, draw: item.sample.draw.toFixed(6), seed: item.sample.seedFingerprint })
          : t("supervision.item.matched", { policy: item.policy ?? "?" })}
      </p>
      <Highlighted text={item.text} spans={item.spans} />
      {item.currentVersion > item.contentVersion ? <p className="mt-2 text-sm text-slate-500">{t("supervision.item.newerVersion", { version: item.currentVersion })}</p> : null}
      {item.hiddenReason ? <p className="mt-2 text-sm text-red-800">{t("supervision.item.hiddenReason", { reason: item.hiddenReason })}</p> : null}
      {item.decidedBy ? <p className="mt-1 text-xs text-slate-500">{t("supervision.item.decidedBy", { name: item.decidedBy })}</p> : null}
      <p className="mt-2 text-sm">
        <Link to={`/compliance/items/${item.contentId}`} className="text-brand-700 hover:underline">
          {t("supervision.item.open")}
        </Link>
      </p>
      {item.notes.length ? (
        <section className="mt-3">
          <h3 className="text-sm font-semibold text-slate-900">{t("supervision.item.notes")}</h3>
          <ul className="mt-1 space-y-1 text-sm text-slate-700">
            {item.notes.map((n, i) => (
              <li key={i}>
                <span className="font-medium">{n.author}</span> · <Time value={n.at} style="datetime" />: {n.body}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="post" className="mt-4 grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="flagId" value={item.id} />
        <Textarea label={t("supervision.decide.note")} name="note" rows={2} errors={errors?.note} />
        <Input label={t("supervision.decide.reason")} name="reason" hint={t("supervision.decide.reasonHint")} errors={errors?.reason} />
        <FormError className="sm:col-span-2">{errors?._form}</FormError>
        <div className="flex flex-wrap gap-2 sm:col-span-2">
          {item.state !== "hidden" ? (
            <>
              <Button type="submit" name="intent" value="reviewed" variant="secondary" disabled={busy}>
                {t("supervision.decide.reviewed")}
              </Button>
              <Button type="submit" name="intent" value="escalate" variant="secondary" disabled={busy}>
                {t("supervision.decide.escalate")}
              </Button>
              <Button type="submit" name="intent" value="hide" variant="danger" disabled={busy}>
                {t("supervision.decide.hide")}
              </Button>
            </>
          ) : (
            <Button type="submit" name="intent" value="unhide" variant="secondary" disabled={busy}>
              {t("supervision.decide.unhide")}
            </Button>
          )}
          <Button type="submit" name="intent" value="note" variant="ghost" disabled={busy}>
            {t("supervision.decide.addNote")}
          </Button>
        </div>
      </Form>
    </Card>
  );
}
