import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { EmptyState, PageHeader, SuccessNotice } from "~/components/ui";
import { Time, useWhen } from "~/components/time";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { listExports } from "~/records/export.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "records.exports.title");

const DAY_MS = 86_400_000;

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const rows = await listExports(viewer);
  const queued = new URL(request.url).searchParams.get("queued") === "1";
  return json({
    queued,
    exports: rows,
  });
}

export default function ExportsPage() {
  const { exports, queued } = useLoaderData<typeof loader>();
  const { t } = useT();
  const when = useWhen();
  const revalidator = useRevalidator();
  const pending = exports.some((e) => e.status === "queued" || e.status === "running");
  // progress: re-read the list while an export is being built
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 1500);
    return () => clearInterval(timer);
  }, [pending, revalidator]);
  return (
    <>
      <PageHeader title={t("records.exports.title")} description={t("records.exports.description")} />
      <ComplianceNav />
      <AuditNotice />
      {queued ? <SuccessNotice className="mb-4">{t("records.exports.queued")}</SuccessNotice> : null}
      {exports.length === 0 ? (
        <EmptyState title={t("records.exports.empty")} description={t("records.exports.description")} />
      ) : (
        <DataTable
          caption={t("records.exports.caption")}
          columns={[t("records.exports.requested"), t("records.exports.by"), t("records.exports.search"), t("records.exports.progress"), ""]}
        >
          {exports.map((e) => (
            <tr key={e.id} className="align-top" data-testid="export-row">
              <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                <Time value={e.createdAt} style="datetime" />
              </td>
              <td className="px-4 py-3">{e.requestedBy}</td>
              <td className="px-4 py-3 text-slate-600">
                {[
                  e.search.q && `“${e.search.q}”`,
                  e.custodians.join(", "),
                  e.search.from && when(e.search.from, "day"),
                  // the search's end is the start of the day after the last one
                  e.search.to && when(new Date(Date.parse(e.search.to) - DAY_MS), "day"),
                ]
                  .filter(Boolean)
                  .join(" · ")}
              </td>
              <td className="px-4 py-3" role="status">
                {e.status === "running" ? (
                  <>
                    {t("records.exports.status.running", { done: e.done, total: e.total })}
                    <progress className="mt-1 block w-32" max={Math.max(e.total, 1)} value={e.done} />
                  </>
                ) : e.status === "done" ? (
                  t("records.exports.status.done", { total: e.total })
                ) : e.status === "failed" ? (
                  t("records.exports.status.failed")
                ) : e.status === "expired" ? (
                  t("records.exports.status.expired")
                ) : (
                  t("records.exports.status.queued")
                )}
              </td>
              <td className="px-4 py-3">
                {e.status === "done" ? (
                  <>
                    <a href={`/compliance/exports/${e.id}`} download className="font-medium text-brand-700 hover:underline" aria-label={t("records.exports.downloadLabel", { when: when(e.createdAt) })}>
                      {t("records.exports.download")}
                    </a>
                    {e.expiresAt ? <span className="block text-xs text-slate-500">{t("records.exports.until", { when: when(e.expiresAt) })}</span> : null}
                    {e.sha256 ? <code className="block max-w-48 truncate text-xs text-slate-500" title={e.sha256}>SHA-256 {e.sha256}</code> : null}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
