import type { LoaderFunctionArgs } from "@remix-run/node";
import { AuditFilter, exportAuditCsv } from "~/compliance/audit-trail.server";
import { requireComplianceViewer } from "~/compliance/review.server";
import { requireViewer } from "~/identity/request.server";

// The audit trail as CSV, with the page's filters; the export is recorded in the trail itself.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const parsed = AuditFilter.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new Response("Bad filter", { status: 400 });
  const csv = await exportAuditCsv(viewer, locale, parsed.data);
  return new Response(`\uFEFF${csv}`, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-trail-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
