import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, type SerializeFrom } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { Button, Card, EmptyState, FormError, Input, PageHeader, Select, SuccessNotice, Textarea } from "~/components/ui";
import { formatDateTime, metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { requireComplianceViewer } from "~/compliance/review.server";
import { requireViewer } from "~/identity/request.server";
import { Decision, decide, listFlags, queueFilterOptions, QueueFilter } from "~/supervision/queue.server";
import { FLAG_STATES, SEVERITIES } from "~/supervision/vocabulary";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "supervision.review.title");

const WHEN: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: "UTC", timeZoneName: "short" };

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const options = await queueFilterOptions(viewer); // 404 to anyone but compliance
  const raw = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = QueueFilter.safeParse(raw);
  if (!parsed.success) throw json({ errors: fieldErrors(locale, parsed.error) }, { status: 400 });
  const queue = await listFlags(viewer, parsed.data);
  return json({
    filter: parsed.data,
    options,
    total: queue.total,
    page: queue.page,
    pages: queue.pages,
    items: queue.items.map((i) => ({ ...i, when: formatDateTime(locale, i.createdAt, WHEN), notes: i.notes.map((n) => ({ ...n, when: formatDateTime(locale, n.at, WHEN) })) })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer); // 404 before the form is read
  const parsed = await parseForm(request, Decision, locale);
  if (!parsed.ok) return badRequest(parsed);
  const state = await decide(viewer, parsed.data);
  return json({ ok: true as const, flagId: parsed.data.flagId, state, message: translate(locale, "supervision.decide.done") });
}

const KIND: Record<string, MessageKey> = { post: "compliance.kind.post", comment: "compliance.kind.comment", question: "compliance.kind.question", answer: "compliance.kind.answer" };
const SEVERITY_STYLE: Record<string, string> = { high: "bg-red-100 text-red-800", medium: "bg-amber-100 text-amber-900", low: "bg-slate-100 text-slate-700" };

export default function ReviewQueue() {
  const { filter, options, items, total, page, pages } = useLoaderData<typeof loader>();
  const decided = useActionData<typeof action>();
  const { t } = useT();
  const query = (p: number) => `?${new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)])), page: String(p) })}`;
  return (
    <>
      <PageHeader title={t("supervision.review.title")} description={t("supervision.review.description")} />
      <ComplianceNav />
      <AuditNotice />
      {/* at the page's top: a decided item often leaves the filtered queue, and its card with it */}
      {decided?.ok ? (
        <SuccessNotice className="mb-4">
          {decided.message}
        </SuccessNotice>
      ) : null}
      <Card className="mb-6 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("supervision.filter.heading")}</h2>
        <Form method="get" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          <Select label={t("supervision.filter.state")} name="state" defaultValue={filter.state}>
            {(["all", ...FLAG_STATES] as const).map((s) => (
              <option key={s} value={s}>
                {t(`supervision.state.${s}`)}
              </option>
            ))}
          </Select>
          <Select label={t("supervision.filter.severity")} name="severity" defaultValue={filter.severity}>
            <option value="">{t("supervision.filter.any")}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`supervision.severity.${s}`)}
              </option>
            ))}
          </Select>
          <Select label={t("supervision.filter.policy")} name="policy" defaultValue={filter.policy}>
            <option value="">{t("supervision.filter.any")}</option>
            <option value="sample">{t("supervision.filter.sample")}</option>
            {options.policies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </Select>
          <Select label={t("supervision.filter.space")} name="space" defaultValue={filter.space}>
            <option value="">{t("supervision.filter.any")}</option>
            {options.spaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Input label={t("supervision.filter.author")} name="author" type="search" defaultValue={filter.author} />
          <div className="sm:col-span-2 lg:col-span-5">
            <Button type="submit">{t("supervision.filter.submit")}</Button>
          </div>
        </Form>
      </Card>
      <p className="mb-4 text-sm text-slate-600" aria-live="polite">
        {t(total === 1 ? "supervision.queue.countOne" : "supervision.queue.countOther", { count: total })}
      </p>
      {items.length === 0 ? (
        <EmptyState title={t("supervision.queue.emptyTitle")} description={t("supervision.queue.emptyBody")} />
      ) : (
        <ol className="space-y-4">
          {items.map((item) => (
            <li key={item.id}>
              <FlagCard item={item} />
            </li>
          ))}
        </ol>
      )}
      {pages > 1 ? (
        <nav className="mt-6 flex items-center justify-between text-sm" aria-label={t("supervision.queue.page", { page, pages })}>
          {page > 1 ? <Link to={query(page - 1)}>{t("supervision.queue.previous")}</Link> : <span />}
          <span>{t("supervision.queue.page", { page, pages })}</span>
          {page < pages ? <Link to={query(page + 1)}>{t("supervision.queue.next")}</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}

type Item = SerializeFrom<typeof loader>["items"][number];

/** The flagged text with each matched span in <mark>: plain strings sliced by offsets, escaped by React. */
function Highlighted({ text, spans }: { text: string; spans: Item["spans"] }) {
  const parts: React.ReactNode[] = [];
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

function FlagCard({ item }: { item: Item }) {
  const { t } = useT();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("flagId") === item.id;
  const mine = result && "flagId" in result && result.flagId === item.id;
  const errors = result && !result.ok && navigation.state === "idle" ? result.errors : null;
  const kind = t(KIND[item.contentKind] ?? "compliance.kind.other");
  return (
    <Card className="p-5" aria-labelledby={`flag-${item.id}`}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 id={`flag-${item.id}`} className="font-semibold text-slate-900">
            {t("supervision.item.heading", { kind, author: item.author })}
          </h2>
          <p className="text-sm text-slate-600">
            {t("supervision.item.meta", { space: item.space ?? t("supervision.item.orgWide"), when: item.when, version: item.contentVersion })}
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
                <span className="font-medium">{n.author}</span> · <time dateTime={n.at}>{n.when}</time>: {n.body}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <Form method="post" className="mt-4 grid gap-3 sm:grid-cols-2">
        <input type="hidden" name="flagId" value={item.id} />
        <Textarea label={t("supervision.decide.note")} name="note" rows={2} errors={mine ? undefined : errors?.note} />
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
