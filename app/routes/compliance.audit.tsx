import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { Card, PageHeader } from "~/components/ui";
import { auditTrail } from "~/compliance/review.server";
import { formatDateTime, metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/policy/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.audit.title");

const WHEN: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "UTC", timeZoneName: "short" };

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const rows = await auditTrail(viewer);
  return json({
    records: rows.map((r) => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
      when: formatDateTime(locale, r.at, WHEN),
      actor: r.actor,
      action: r.action,
      targetKind: r.target_kind,
      targetId: r.target_id,
      data: typeof r.data === "string" ? r.data : JSON.stringify(r.data),
    })),
  });
}

export default function AuditTrailPage() {
  const { records } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("compliance.audit.title")} description={t("compliance.audit.description")} />
      <ComplianceNav />
      <AuditNotice />
      <Card className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="px-4 pt-4 pb-2 text-left text-base font-semibold text-slate-900">{t("compliance.audit.caption")}</caption>
          <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.seq")}</th>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.time")}</th>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.actor")}</th>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.action")}</th>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.target")}</th>
              <th scope="col" className="px-4 py-2 font-medium">{t("compliance.audit.data")}</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {records.map((r) => (
              <tr key={r.seq} className="align-top">
                <td className="px-4 py-3 text-slate-500 tabular-nums">{r.seq}</td>
                <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                  <time dateTime={r.at}>{r.when}</time>
                </td>
                <td className="px-4 py-3 text-slate-900">{r.actor ?? t("compliance.audit.system")}</td>
                <td className="px-4 py-3">
                  <code className="text-xs text-slate-800">{r.action}</code>
                </td>
                <td className="px-4 py-3 text-xs text-slate-600">
                  {r.targetKind === "content" ? (
                    <Link to={`/compliance/items/${r.targetId}`} className="text-brand-700 hover:underline">
                      {r.targetKind}:{r.targetId}
                    </Link>
                  ) : (
                    <span>
                      {r.targetKind}:{r.targetId}
                    </span>
                  )}
                </td>
                <td className="max-w-md px-4 py-3">
                  <code className="block text-xs break-all text-slate-600">{r.data}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
