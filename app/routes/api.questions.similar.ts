import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getViewer } from "~/identity/request.server";
import { similarQuestions } from "~/qa/similar.server";

// GET /api/questions/similar?q=&exclude= → { items: [{ id, title, href, answered, closed }], degraded }:
// the ask form's "has this been asked?" while the title is typed. The viewer's scope only.

const SimilarQuery = z.object({
  q: z.string().catch("").transform((s) => s.trim().slice(0, 200)),
  exclude: z.string().max(64).optional().catch(undefined),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const headers = { "Cache-Control": "no-store" };
  if (!viewer.id) return json({ error: "unauthorized" }, { status: 401, headers });
  const url = new URL(request.url);
  const { q, exclude } = SimilarQuery.parse({ q: url.searchParams.get("q") ?? "", exclude: url.searchParams.get("exclude") ?? undefined });
  const result = await similarQuestions(viewer, q, { excludeId: exclude });
  return json(result, { headers });
}
