import { sql } from "drizzle-orm";
import { query, type Db, type Tx } from "~/db/client.server";
import type { Viewer } from "~/policy/policy";
import { USAGE_POLICY_PATH, USAGE_POLICY_REFUSAL } from "./usage-gate";

export { USAGE_POLICY_PATH, USAGE_POLICY_REFUSAL };

// The usage-policy gate on every content write (createContent, editContent): once the org has
// published a social-media usage policy, a person must have acknowledged its current version
// before they post, comment, ask or answer. No policy published: no gate. The policy itself
// (publishing, acknowledging, reminders) lives in app/supervision/usage-policy.server.ts.

const REFUSAL_HEADER = "X-Atrium-Refusal";

export type UsageGate = { version: number; acknowledged: boolean } | null;

/** The org's current version and whether the viewer has acknowledged it; null when none is published. */
export async function usageGate(db: Db | Tx, viewer: Viewer): Promise<UsageGate> {
  if (!viewer.id || !viewer.orgId) return null;
  const [row] = await query<{ version: number; acknowledged: boolean }>(
    db,
    sql`select p.version,
          exists (select 1 from usage_acknowledgements a where a.user_id = ${viewer.id} and a.version = p.version and a.org_id = p.org_id) as acknowledged
        from usage_policies p where p.org_id = ${viewer.orgId} order by p.version desc limit 1`,
  );
  return row ? { version: Number(row.version), acknowledged: !!row.acknowledged } : null;
}

/**
 * Throws a 403 problem-details Response (it passes through the REST API unchanged, and the
 * error view and composers recognise its `type`) naming the policy page.
 */
export async function requireUsageAcknowledged(db: Db | Tx, viewer: Viewer): Promise<void> {
  const gate = await usageGate(db, viewer);
  if (!gate || gate.acknowledged) return;
  throw new Response(
    JSON.stringify({
      type: USAGE_POLICY_REFUSAL,
      title: "Forbidden",
      status: 403,
      detail: `Read and accept the organisation's social-media usage policy (version ${gate.version}) before posting: ${USAGE_POLICY_PATH}`,
      policyUrl: USAGE_POLICY_PATH,
      version: gate.version,
    }),
    { status: 403, statusText: "Forbidden", headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", [REFUSAL_HEADER]: "usage-policy" } },
  );
}

/** True for the refusal above (a thrown Response), so form actions can answer it in the viewer's language. */
export function isUsageRefusal(error: unknown): error is Response {
  return error instanceof Response && error.status === 403 && error.headers.get(REFUSAL_HEADER) === "usage-policy";
}
