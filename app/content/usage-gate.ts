// Shared with the error view (never in a .server module: those are empty in the browser).

/** The page where a person reads and accepts the current usage policy. */
export const USAGE_POLICY_PATH = "/policy";
/** The gate's refusal type (problem details `type`), which the error view recognises. */
export const USAGE_POLICY_REFUSAL = "urn:atrium:usage-policy-not-acknowledged";

/** The policy page's address when `data` (a thrown 403's body, parsed or not) is the gate's refusal. */
export function usageRefusalLink(data: unknown): string | null {
  let d = data;
  if (typeof d === "string") {
    try {
      d = JSON.parse(d);
    } catch {
      return null;
    }
  }
  if (!d || typeof d !== "object") return null;
  const { type, policyUrl } = d as { type?: unknown; policyUrl?: unknown };
  return type === USAGE_POLICY_REFUSAL && typeof policyUrl === "string" && policyUrl.startsWith("/") && !policyUrl.startsWith("//") ? policyUrl : null;
}
