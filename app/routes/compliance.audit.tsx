import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Button, buttonClasses, Card, Input, PageHeader, Select } from "~/components/ui";
import { AuditFilter, readAuditTrail } from "~/compliance/audit-trail.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { metaTitle, useT } from "~/i18n";
import { Time } from "~/components/time";
import { requireViewer } from "~/identity/request.server";
import { fieldErrors } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.audit.title");


export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const parsed = AuditFilter.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw json({ errors: fieldErrors(locale, parsed.error) }, { status: 400 });
  const trail = await readAuditTrail(viewer, locale, parsed.data);
  return json({
    filter: trail.filter,
    actions: trail.actions,
    total: trail.total,
    page: trail.page,
    pages: trail.pages,
    records: trail.entries,
  });
}

export default function AuditTrailPage() {
  const { records, filter, actions, total, page, pages } = useLoaderData<typeof loader>();
  const { t } = useT();
  const params = (p: Record<string, string | number>) =>
    new URLSearchParams({ ...Object.fromEntries(Object.entries(filter).map(([k, v]) => [k, String(v)])), ...Object.fromEntries(Object.entries(p).map(([k, v]) => [k, String(v)])) }).toString();
  return (
    <>
      <PageHeader title={t("compliance.audit.title")} description={t("compliance.audit.description")} />
      <ComplianceNav />
      <AuditNotice />
      <Card className="mb-6 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("audit.filter.heading")}</h2>
        <Form method="get" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          <Input label={t("audit.filter.actor")} name="actor" type="search" defaultValue={filter.actor} />
          <Select label={t("audit.filter.action")} name="action" defaultValue={filter.action}>
            <option value="">{t("audit.filter.any")}</option>
            {actions.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </Select>
          <Input label={t("audit.filter.item")} name="item" type="search" defaultValue={filter.item} />
          <Input label={t("audit.filter.from")} name="from" type="date" defaultValue={filter.from} />
          <Input label={t("audit.filter.to")} name="to" type="date" defaultValue={filter.to} />
          <div className="flex flex-wrap gap-3 sm:col-span-2 lg:col-span-5">
            <Button type="submit">{t("audit.filter.submit")}</Button>
            <a href={`/compliance/audit/export?${params({ page: 1 })}`} className={buttonClasses({ variant: "secondary" })} download>
              {t("audit.export")}
            </a>
          </div>
        </Form>
      </Card>
      <DataTable
        caption={
          <>
            {t("compliance.audit.caption")} <span className="text-sm font-normal text-slate-500">({t(total === 1 ? "audit.countOne" : "audit.countOther", { count: total })})</span>
          </>
        }
        columns={[t("compliance.audit.seq"), t("compliance.audit.time"), t("audit.what"), t("audit.details")]}
      >
        {records.map((r) => (
          <tr key={r.seq} className="align-top">
            <td className="px-4 py-3 text-slate-500 tabular-nums">{r.seq}</td>
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">
              <Time value={r.at} style="datetime" />
            </td>
            <td className="px-4 py-3 text-slate-900">
              {r.targetKind === "content" ? (
                <Link to={`/compliance/items/${r.targetId}`} className="hover:underline">
                  {r.sentence}
                </Link>
              ) : (
                r.sentence
              )}
            </td>
            <td className="max-w-md px-4 py-3">
              <details>
                <summary className="cursor-pointer text-xs text-slate-500">
                  <code>{r.action}</code>
                </summary>
                <code className="mt-1 block text-xs break-all text-slate-600">{r.data}</code>
              </details>
            </td>
          </tr>
        ))}
      </DataTable>
      {pages > 1 ? (
        <nav className="mt-6 flex items-center justify-between text-sm" aria-label={t("audit.page", { page, pages })}>
          {page > 1 ? <Link to={`?${params({ page: page - 1 })}`}>{t("audit.previous")}</Link> : <span />}
          <span>{t("audit.page", { page, pages })}</span>
          {page < pages ? <Link to={`?${params({ page: page + 1 })}`}>{t("audit.next")}</Link> : <span />}
        </nav>
      ) : null}
    </>
  );
}
