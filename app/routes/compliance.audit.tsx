import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Time } from "~/components/time";
import { Link, useLoaderData } from "@remix-run/react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { PageHeader } from "~/components/ui";
import { auditTrail } from "~/compliance/review.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "compliance.audit.title");


export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const rows = await auditTrail(viewer);
  return json({
    records: rows.map((r) => ({
      seq: Number(r.seq),
      at: new Date(r.at).toISOString(),
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
      <DataTable
        caption={t("compliance.audit.caption")}
        columns={[
          t("compliance.audit.seq"),
          t("compliance.audit.time"),
          t("compliance.audit.actor"),
          t("compliance.audit.action"),
          t("compliance.audit.target"),
          t("compliance.audit.data"),
        ]}
      >
        {records.map((r) => (
          <tr key={r.seq} className="align-top">
            <td className="px-4 py-3 text-slate-500 tabular-nums">{r.seq}</td>
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">
              <Time value={r.at} style="datetime" />
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
      </DataTable>
    </>
  );
}
