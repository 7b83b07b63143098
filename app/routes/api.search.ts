import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { searchSuggestions } from "~/knowledge/search-pages.server";
import { getViewer } from "~/identity/request.server";

// GET /api/search?q= → { items: [{ type, id, postId, href, title, highlight }] }: the header's search-as-you-type.
// People first (type "person": title is the name, highlight "job title · department", postId null), then content.
// `highlight` is escaped on the server; only <mark> is markup.

const SuggestQuery = z.object({
  q: z
    .string()
    .catch("")
    .transform((s) => s.trim().slice(0, 200)),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  const headers = { "Cache-Control": "no-store" };
  if (!viewer.id) return json({ error: "unauthorized" }, { status: 401, headers });
  const { q } = SuggestQuery.parse({ q: new URL(request.url).searchParams.get("q") ?? "" });
  const items = q.length < 2 ? [] : await searchSuggestions(viewer, q);
  return json({ items }, { headers });
}
