import { forbidden, notFound } from "~/utils/http.server";
import { can, orgFacts, type ActionFor, type OrgAction, type Resource, type Viewer } from "./policy";

// The throwing side of the policy. Domain functions call these instead of testing
// roles or composing `can` with their own status codes, so every surface answers
// the same way: what the viewer may not see does not exist (404); what they may see
// but not do is forbidden (403).

const visibility: Record<Resource["kind"], string> = { space: "read", content: "read", user: "read", org: "", line: "" };

/** Throws 404 when the viewer may not see `resource`, 403 when they may see it but not do `action`. */
export function authorize<R extends Resource>(viewer: Viewer, action: ActionFor<R>, resource: R | null | undefined): asserts resource is R {
  if (!resource) notFound();
  if (can(viewer, action, resource)) return;
  const seeAction = visibility[resource.kind];
  if (!seeAction || !can(viewer, seeAction as ActionFor<R>, resource)) notFound();
  forbidden();
}

/**
 * An org-level action on the viewer's own organisation (admin pages, compliance, curation):
 * to anyone without it the page or endpoint does not exist (404). Returns who acts where.
 */
export function authorizeOrg(viewer: Viewer, action: OrgAction): { orgId: string; actorId: string } {
  if (!viewer.id || !viewer.orgId || !can(viewer, action, orgFacts(viewer.orgId))) notFound();
  return { orgId: viewer.orgId, actorId: viewer.id };
}

/** The viewer's org-level abilities, for presenters (the UI never recomputes rules). */
export function orgAbilities<A extends OrgAction>(viewer: Viewer, actions: readonly A[]): Record<A, boolean> {
  const org = viewer.orgId ? orgFacts(viewer.orgId) : null;
  return Object.fromEntries(actions.map((a) => [a, !!org && can(viewer, a, org)])) as Record<A, boolean>;
}
