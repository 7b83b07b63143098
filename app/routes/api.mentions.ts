import { json, type LoaderFunctionArgs } from "@remix-run/node";
import { searchPeople } from "~/people/directory.server";
import { getViewer } from "~/identity/request.server";

// GET /api/mentions?q= → { items: [{ id, label }] }: people the viewer may mention (the editor's @ suggestions).
export async function loader({ request }: LoaderFunctionArgs) {
  const viewer = await getViewer(request);
  if (!viewer.id) return json({ error: "unauthorized" }, { status: 401, headers: { "Cache-Control": "no-store" } });
  const q = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  const people = await searchPeople(viewer, q, 9);
  const items = people
    .filter((p) => p.id !== viewer.id)
    .slice(0, 8)
    .map((p) => ({ id: p.id, label: p.name }));
  return json({ items }, { headers: { "Cache-Control": "no-store" } });
}
