import { json } from "@remix-run/node";
import { checkHealth } from "~/platform/health.server";

export async function loader() {
  const health = await checkHealth();
  // Degraded search still serves: 200. Only a database outage is a 503.
  return json(health, { status: health.db === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}
