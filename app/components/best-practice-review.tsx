import { Form, Link, useNavigation } from "@remix-run/react";
import { Button, buttonClasses, Card, EmptyState, FormError, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import type { QueueItem, QueueSection, ReviewSection } from "~/discovery/review.server";
import { useT, type MessageKey } from "~/i18n";

// The review page's parts (app/routes/best-practices.review.tsx parses, authorizes, reads the queue
// and answers decisions; this renders them).

const WHY: Record<string, MessageKey> = {
  nominated: "review.why.nominated",
  rising: "review.why.rising",
  stale: "review.why.stale",
  changed: "review.why.changed",
  faq: "review.why.faq",
};

const HEADING: Record<ReviewSection, MessageKey> = {
  stale: "review.section.stale",
  changed: "review.section.changed",
  nominated: "review.section.nominated",
  faq: "review.section.faq",
  rising: "review.section.rising",
};

/** The action's answer to a decision: done, or the errors for the item it was about. */
export type DecisionResult = { ok: true; contentId: string } | { ok: false; errors: Record<string, string>; values?: { contentId?: string } } | null;

type Props = { sections: QueueSection[]; only: ReviewSection | null; me: string | null; defaultReverify: string; result: DecisionResult };

/** The curators' queue: each section with its count, its first page (or one section's page) and "Show more". */
export function BestPracticeQueue({ sections, only, me, defaultReverify, result }: Props) {
  const { t } = useT();
  // the whole queue shows the sections that have something; a section's own page always shows it
  const shown = only ? sections : sections.filter((s) => s.count > 0 || s.items.length > 0);
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader
        title={t("review.title")}
        description={t("review.description")}
        actions={
          only ? (
            <Link to="/best-practices/review" className={buttonClasses({ variant: "secondary", size: "sm" })} data-testid="review-whole-queue">
              {t("review.wholeQueue")}
            </Link>
          ) : null
        }
      />
      {result && result.ok ? <SuccessNotice className="mb-4">{t("review.decided")}</SuccessNotice> : null}
      {shown.length === 0 ? (
        <EmptyState title={t("review.emptyTitle")} description={t("review.emptyBody")} />
      ) : (
        <div className="space-y-8" data-testid="review-queue">
          {shown.map((s) => (
            <section key={s.section} aria-labelledby={`review-${s.section}`} data-testid={`review-section-${s.section}`}>
              <h2 id={`review-${s.section}`} className="mb-3 flex items-baseline gap-2 text-lg font-semibold text-slate-900">
                {only ? t(HEADING[s.section]) : (
                  <Link to={`?section=${s.section}`} className="hover:underline">
                    {t(HEADING[s.section])}
                  </Link>
                )}
                <span className="rounded-full bg-slate-100 px-2 text-sm font-medium text-slate-700" data-testid="review-section-count">
                  {t(s.countCapped ? "review.countCapped" : "review.count", { count: s.count })}
                </span>
              </h2>
              {s.items.length === 0 ? (
                <p className="text-sm text-slate-600">{t("review.sectionEmpty")}</p>
              ) : (
                <ul className="space-y-4">
                  {s.items.map((item) => (
                    <li key={item.id}>
                      <QueueCard item={item} me={me} defaultReverify={defaultReverify} result={result} />
                    </li>
                  ))}
                </ul>
              )}
              {s.nextCursor ? (
                <div className="mt-4 flex justify-center">
                  <Link
                    to={`?${new URLSearchParams({ section: s.section, cursor: s.nextCursor })}`}
                    className={buttonClasses({ variant: "secondary", size: "sm" })}
                    data-testid="review-show-more"
                  >
                    {t("review.showMore")}
                  </Link>
                </div>
              ) : null}
            </section>
          ))}
        </div>
      )}
    </div>
  );
}

function QueueCard({ item, me, defaultReverify, result }: { item: QueueItem; me: string | null; defaultReverify: string; result: DecisionResult }) {
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = result && !result.ok && result.values?.contentId === item.id ? result : null;
  const errors: Record<string, string> = failed ? failed.errors : {};
  const own = item.authorId === me;
  return (
    <Card className="space-y-3 p-4" data-testid={`queue-item-${item.id}`}>
      <p className="flex flex-wrap gap-x-3 text-xs text-slate-600">
        <span className="font-semibold text-slate-900">{t(WHY[item.reason] ?? "review.why.nominated")}</span>
        <span>{item.kind}</span>
        <span>{t("review.score", { score: item.score })}</span>
        <span>{t("review.by", { name: item.authorName })}</span>
      </p>
      <blockquote className="line-clamp-4 border-l-4 border-slate-200 pl-3 text-sm text-slate-700">{item.excerpt}</blockquote>
      {item.nominations.length ? (
        <ul className="space-y-1 text-sm text-slate-600">
          {item.nominations.map((n, i) => (
            <li key={i}>{t("review.nomination", { name: n.name, reason: n.reason })}</li>
          ))}
        </ul>
      ) : null}
      <Link to={`/posts/${item.id}`} className="text-sm text-indigo-700 hover:underline">
        {t("review.open")}
      </Link>
      {own ? null : (
        <>
          <FormError>{errors._form ?? errors.decision ?? errors.contentId}</FormError>
          <Form method="post" className="grid gap-3 sm:grid-cols-3">
            <input type="hidden" name="intent" value="approve" />
            <input type="hidden" name="contentId" value={item.id} />
            <Input label={t("review.topic")} name="topic" defaultValue={item.topic} maxLength={40} errors={errors.topic} />
            <Select label={t("review.owner")} name="ownerId" defaultValue={item.authorId} errors={errors.ownerId}>
              <option value={item.authorId}>{item.authorName}</option>
              {me && me !== item.authorId ? <option value={me}>—</option> : null}
            </Select>
            <Input label={t("review.reverifyAt")} name="reverifyAt" type="date" defaultValue={defaultReverify} errors={errors.reverifyAt} />
            <div className="sm:col-span-3">
              <Button type="submit" size="sm" disabled={busy}>
                {t("review.approve")}
              </Button>
            </div>
          </Form>
          <Form method="post" className="flex flex-wrap items-end gap-2">
            <input type="hidden" name="contentId" value={item.id} />
            <Input label={t("review.reason")} name="reason" maxLength={1000} errors={errors.reason} className="min-w-64 flex-1" />
            <Button type="submit" name="intent" value="request_changes" size="sm" variant="secondary" disabled={busy}>
              {t("review.requestChanges")}
            </Button>
            <Button type="submit" name="intent" value="reject" size="sm" variant="danger" disabled={busy}>
              {t("review.reject")}
            </Button>
          </Form>
        </>
      )}
    </Card>
  );
}
