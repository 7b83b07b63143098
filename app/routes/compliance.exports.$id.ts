import fs from "node:fs";
import { Readable } from "node:stream";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireViewer } from "~/identity/request.server";
import { exportFile } from "~/records/export.server";
import { idParam } from "~/utils/path-params.server";

// Resource route: a finished eDiscovery export, streamed from disk (audited in exportFile).

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const file = await exportFile(viewer, idParam(params));
  return new Response(Readable.toWeb(fs.createReadStream(file.path)) as ReadableStream, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Length": String(file.size),
      "Content-Disposition": `attachment; filename="${file.name}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
