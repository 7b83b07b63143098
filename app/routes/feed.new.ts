import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { decodeCursor } from "~/feed/feed-cursor";
import { countNewer } from "~/feed/home-feed.server";
import { getViewer } from "~/identity/request.server";

// GET /feed/new?since=<cursor> → { count }: posts in the viewer's feed newer than the cursor (capped at 50).
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  if (!viewer.id) return json({ error: "unauthorized" }, { status: 401, headers: { "Cache-Control": "no-store" } });
  const since = decodeCursor(new URL(request.url).searchParams.get("since"));
  const count = since ? await countNewer(viewer, since) : 0;
  return json({ count }, { headers: { "Cache-Control": "no-store" } });
}
