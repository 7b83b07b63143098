import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { ErrorNotice, GeneralErrorBoundary } from "~/components/error-boundary";
import { Button, buttonClasses, Card, EmptyState, FormError, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { decide, decodeReviewCursor, REVIEW_SECTIONS, reviewQueue, type ReviewSection } from "~/discovery/review.server";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { now } from "~/utils/clock.server";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "review.title");

const id = z.string().min(1).max(64);
const reason = z.string().trim().min(1, "discovery.error.reasonRequired").max(1000);
const DecisionForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("approve"),
    contentId: id,
    topic: z.string().trim().min(1, "discovery.error.topicRequired").max(40),
    ownerId: id,
    reverifyAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "discovery.error.reverifyPast"),
  }),
  z.object({ intent: z.literal("request_changes"), contentId: id, reason }),
  z.object({ intent: z.literal("reject"), contentId: id, reason }),
]);

// Without `section`: every section's first page. With it: that section only, from `cursor`
// (a keyset cursor from the section's "Show more"; it belongs to that section).
const QueueQuery = z
  .object({
    section: z.enum(REVIEW_SECTIONS, { errorMap: () => ({ message: "review.error.section" }) }).optional(),
    cursor: z
      .string()
      .transform((raw, ctx) => decodeReviewCursor(raw) ?? (ctx.addIssue({ code: "custom", message: "review.error.cursor" }), z.NEVER))
      .optional(),
  })
  .refine((q) => !q.cursor || q.section, { path: ["cursor"], message: "review.error.cursor" });

// Curators only: to everyone else the queue does not exist (404). A bad section or cursor is 400.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "curate");
  const values = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = QueueQuery.safeParse(values);
  if (!parsed.success) throw badRequest({ errors: fieldErrors(locale, parsed.error), values });
  const { section = null, cursor = null } = parsed.data;
  const sections = await reviewQueue(viewer, { section: section ?? undefined, cursor });
  // default re-verify date: in six months
  const defaultReverify = new Date(now().getTime() + 182 * 86_400_000).toISOString().slice(0, 10);
  return json({ sections, only: section, me: viewer.id, defaultReverify });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "curate");
  const parsed = await parseForm(request, DecisionForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  const result = await decide(
    viewer,
    input.contentId,
    input.intent === "approve"
      ? // a date means "until the end of that day" (UTC)
        { decision: "approve", topic: input.topic, ownerId: input.ownerId, reverifyAt: new Date(`${input.reverifyAt}T23:59:59.999Z`) }
      : { decision: input.intent, reason: input.reason },
  );
  if (!result.ok) {
    return badRequest({ errors: { [result.field]: translate(locale, result.error) }, values: { contentId: input.contentId } }, result.status);
  }
  return json({ ok: true as const, contentId: input.contentId });
}

// A bad section or page link: say which, and lead back to the whole queue.
export function ErrorBoundary() {
  return <GeneralErrorBoundary statusHandlers={{ 400: ({ error }) => <BadLink errors={(error.data as { errors?: Record<string, string> } | null)?.errors ?? {}} /> }} />;
}

function BadLink({ errors }: { errors: Record<string, string> }) {
  const { t } = useT();
  return <ErrorNotice status={400} title={t("error.400.title")} body={errors.section ?? errors.cursor ?? t("error.400.body")} action={{ to: "/best-practices/review", label: t("review.wholeQueue") }} />;
}

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

export default function ReviewQueuePage() {
  const { sections, only } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
                      <QueueCard item={item} />
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

type Item = ReturnType<typeof useLoaderData<typeof loader>>["sections"][number]["items"][number];

function QueueCard({ item }: { item: Item }) {
  const { me, defaultReverify } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
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
