import type { Viewer } from "./policy";

// The Meilisearch form of the content `read` rule. Documents carry exactly the
// facts it needs: orgId, spaceId, visibility, spaceDepartments, authorDepartment,
// rootAuthorDepartment, deleted, held and heldFor. For a comment or an answer the space facts are its
// thread root's, `deleted` is true when it or its root is, and rootAuthorDepartment is
// the root author's (a root's own for a root): a thread is seen only where its root is.
// `hidden` (supervision: the item or its root hidden pending investigation) is true only
// then, with `hiddenVisibleTo` naming who still sees it (the hidden item's author).

const q = (s: string) => JSON.stringify(s);
const arr = (values: Iterable<string>) => `[${[...values].map(q).join(", ")}]`;

/** A filter that matches nothing, for viewers who may see nothing. */
export const NOTHING = 'orgId = "__none__"';

export function contentSearchFilter(v: Viewer): string {
  if (!v.id || !v.orgId) return NOTHING;
  const parts = [`orgId = ${q(v.orgId)}`, "deleted = false", `(hidden != true OR hiddenVisibleTo = ${q(v.id)})`];
  const spaceOk = ["spaceId IS NULL"];
  if (v.memberSpaceIds.size) spaceOk.push(`spaceId IN ${arr(v.memberSpaceIds)}`);
  const deptOk = v.department
    ? `(spaceDepartments IS EMPTY OR spaceDepartments = ${q(v.department)})`
    : "spaceDepartments IS EMPTY";
  spaceOk.push(`(visibility = "open" AND ${deptOk})`);
  parts.push(`(${spaceOk.join(" OR ")})`);
  // pre-approval (policy.ts holdAllows): a held thread only for its author and its current tier's approvers
  const seats = [`user:${v.id}`, ...[...(v.approverTiers ?? [])].map((k) => `tier:${k}`)];
  parts.push(`(NOT held = true OR heldFor IN ${arr(seats)})`);
  if (v.blockedDepartments.length) {
    parts.push(`NOT authorDepartment IN ${arr(v.blockedDepartments)}`);
    // fail closed on a document written before it carried its root's facts
    parts.push(`rootAuthorDepartment EXISTS`);
    parts.push(`NOT rootAuthorDepartment IN ${arr(v.blockedDepartments)}`);
    parts.push(`NOT spaceDepartments IN ${arr(v.blockedDepartments)}`);
  }
  return parts.join(" AND ");
}

export function peopleSearchFilter(v: Viewer): string {
  if (!v.id || !v.orgId) return NOTHING;
  const parts = [`orgId = ${q(v.orgId)}`];
  const seesInactive = v.roles.has("admin") || v.roles.has("compliance");
  const others: string[] = [];
  if (!seesInactive) others.push("active = true");
  if (v.blockedDepartments.length) others.push(`NOT department IN ${arr(v.blockedDepartments)}`);
  if (others.length) parts.push(`(id = ${q(v.id)} OR (${others.join(" AND ")}))`);
  return parts.join(" AND ");
}
