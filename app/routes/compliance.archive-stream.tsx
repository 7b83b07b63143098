import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Card, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { archiveStreamPage } from "~/integrations/archive-stream.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "archiveStream.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await archiveStreamPage(viewer));
}

export default function ArchiveStreamPage() {
  const s = useLoaderData<typeof loader>();
  const { t } = useT();
  const figure = (label: string, value: string, testId: string) => (
    <Card className="p-4">
      <p className="text-xs font-medium text-slate-500">{label}</p>
      <p className="mt-1 text-xl font-semibold text-slate-900 tabular-nums" data-testid={testId}>
        {value}
      </p>
    </Card>
  );
  return (
    <>
      <ComplianceNav />
      <PageHeader title={t("archiveStream.title")} description={t("archiveStream.description")} />
      {!s.configured ? <p className="mb-4 text-sm text-amber-800">{t("archiveStream.notConfigured")}</p> : null}
      <div className="mb-8 grid gap-4 sm:grid-cols-4">
        {figure(t("archiveStream.pending"), String(s.pending), "archive-pending")}
        {figure(t("archiveStream.lag"), s.oldestPendingSeconds === null ? t("archiveStream.lagNone") : t("archiveStream.lagSeconds", { seconds: s.oldestPendingSeconds }), "archive-lag")}
        {figure(t("archiveStream.delivered"), String(s.delivered), "archive-delivered")}
        {figure(t("archiveStream.lastDelivered"), s.lastDeliveredAt ?? t("archiveStream.never"), "archive-last")}
      </div>
      {s.failures.length === 0 ? (
        <p className="text-sm text-slate-600">{t("archiveStream.noFailures")}</p>
      ) : (
        <DataTable caption={t("archiveStream.failuresCaption")} columns={[t("webhooks.at"), t("webhooks.event"), t("webhooks.type"), t("webhooks.result")]}>
          {s.failures.map((f) => (
            <tr key={`${f.eventId}:${f.at}`}>
              <td className="px-4 py-3 text-xs tabular-nums">{f.at}</td>
              <td className="px-4 py-3 tabular-nums">{f.eventId}</td>
              <td className="px-4 py-3">
                <code className="text-xs">{f.eventType}</code>
              </td>
              <td className="px-4 py-3 text-xs text-red-800">{f.error}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
