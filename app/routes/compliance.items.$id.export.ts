import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportItem } from "~/compliance/review.server";
import { requireViewer } from "~/identity/request.server";
import { idParam } from "~/utils/path-params.server";

// Resource route: the self-contained JSON export of one item, as a download.

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const payload = await exportItem(viewer, idParam(params));
  // Only an id the archive knows reaches the header: unknown ids 404 above.
  return new Response(JSON.stringify(payload, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="atrium-${payload.item.id}.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
