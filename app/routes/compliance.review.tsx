import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { FlagCard } from "~/components/review-queue";
import { Button, Card, EmptyState, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { requireComplianceViewer } from "~/compliance/review.server";
import { requireViewer } from "~/identity/request.server";
import { Decision, decide, listFlags, queueFilterOptions, QueueFilter } from "~/supervision/queue.server";
import { FLAG_STATES, SEVERITIES } from "~/supervision/vocabulary";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "supervision.review.title");

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
    items: queue.items,
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

export default function ReviewQueue() {
  const { filter, options, items, total, page, pages } = useLoaderData<typeof loader>();
  const decided = useActionData<typeof action>();
  const lastSubmit = decided && !decided.ok ? decided : null;
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
              <FlagCard item={item} failure={lastSubmit} />
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
