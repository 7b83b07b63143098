import { sql, type SQL } from "drizzle-orm";
import type { Viewer } from "./policy";

// SQL forms of the rules in policy.ts. Each takes the table alias it filters
// and returns a boolean expression; an empty fact set becomes `false`, never `in ()`.

const list = (values: Iterable<string>) => {
  const arr = [...values];
  return arr.length ? sql.join(arr.map((v) => sql`${v}`), sql`, `) : null;
};
const textArray = (values: readonly string[]) =>
  values.length ? sql`array[${sql.join(values.map((v) => sql`${v}`), sql`, `)}]::text[]` : sql`'{}'::text[]`;

/** Spaces the viewer can read (the `read` rule), as a condition on alias `s`. */
export function readableSpaceCondition(v: Viewer, s = sql.raw("s")): SQL {
  if (!v.id || !v.orgId) return sql`false`;
  const members = list(v.memberSpaceIds);
  const member = members ? sql`${s}.id in (${members})` : sql`false`;
  const openToViewer = sql`(${s}.visibility = 'open' and (cardinality(${s}.allowed_departments) = 0 or ${v.department} = any(${s}.allowed_departments)))`;
  const barrier = v.blockedDepartments.length
    ? sql` and not (${s}.allowed_departments && ${textArray(v.blockedDepartments)})`
    : sql``;
  return sql`(${s}.org_id = ${v.orgId} and (${member} or ${openToViewer})${barrier})`;
}

/** Spaces the viewer sees in the directory (the `list` rule). */
export function listableSpaceCondition(v: Viewer, s = sql.raw("s")): SQL {
  if (!v.id || !v.orgId) return sql`false`;
  const barrier = v.blockedDepartments.length
    ? sql` and not (${s}.allowed_departments && ${textArray(v.blockedDepartments)})`
    : sql``;
  const privateListed = sql`(${s}.org_id = ${v.orgId} and ${s}.visibility = 'private' and (cardinality(${s}.allowed_departments) = 0 or ${v.department} = any(${s}.allowed_departments))${barrier})`;
  return sql`(${readableSpaceCondition(v, s)} or ${privateListed})`;
}

/** The barrier part of the content `read` rule: the author is not across a barrier from the viewer. */
export function authorNotBlockedCondition(v: Viewer, c = sql.raw("c")): SQL {
  return userNotBlockedCondition(v, sql`${c}.author_id`);
}

/** The person `userId` (an SQL expression) is not across a barrier from the viewer (reactions, authors). */
export function userNotBlockedCondition(v: Viewer, userId: SQL): SQL {
  return v.blockedDepartments.length
    ? sql`not exists (select 1 from users bu where bu.id = ${userId} and bu.department = any(${textArray(v.blockedDepartments)}))`
    : sql`true`;
}

/** The space part of the content `read` rule: outside any space, or in a space the viewer can read (by primary key per row). */
export function contentSpaceReadableCondition(v: Viewer, c = sql.raw("c")): SQL {
  return sql`(${c}.space_id is null or exists (select 1 from spaces s where s.id = ${c}.space_id and ${readableSpaceCondition(v, sql.raw("s"))}))`;
}

/**
 * The pre-approval part of the content `read` rule (policy.ts holdAllows) on alias `c`:
 * published, or the viewer's own, or pending at a tier the viewer approves.
 */
export function holdAllowsCondition(v: Viewer, c = sql.raw("c")): SQL {
  const seats = list(v.approverTiers ?? []);
  const approver = seats
    ? sql` or (${c}.approval = 'pending' and ${c}.space_id is not null and (${c}.space_id || ':' || ${c}.approval_tier::text) in (${seats}))`
    : sql``;
  return sql`(${c}.approval is null or ${c}.author_id = ${v.id ?? ""}${approver})`;
}

/**
 * The thread part of the content `read` rule (policy.ts canReadContent): a root is judged
 * on its own space; anything with a parent on its root (by primary key), which must exist,
 * be live, have an author on the viewer's side, and sit in a space the viewer can read.
 */
export function threadReadableCondition(v: Viewer, c = sql.raw("c")): SQL {
  const r = sql.raw("rt");
  return sql`(case when ${c}.root_id is null then ${contentSpaceReadableCondition(v, c)}
    else exists (select 1 from content rt where rt.id = ${c}.root_id and rt.deleted_at is null
      and ${notHiddenFromCondition(v, r)}
      and ${authorNotBlockedCondition(v, r)} and ${holdAllowsCondition(v, r)} and ${contentSpaceReadableCondition(v, r)}) end)`;
}

/** The supervision part of the content `read` rule (policy.ts hiddenFrom): not hidden, or the viewer wrote it. */
export function notHiddenFromCondition(v: Viewer, c = sql.raw("c")): SQL {
  return v.id ? sql`(${c}.hidden_at is null or ${c}.author_id = ${v.id})` : sql`${c}.hidden_at is null`;
}

/** Content the viewer can read (the content `read` rule), as a condition on alias `c`. */
export function readableContentCondition(v: Viewer, c = sql.raw("c")): SQL {
  if (!v.id || !v.orgId) return sql`false`;
  return sql`(${c}.org_id = ${v.orgId} and ${c}.deleted_at is null and ${notHiddenFromCondition(v, c)} and ${authorNotBlockedCondition(v, c)}
    and ${holdAllowsCondition(v, c)} and ${threadReadableCondition(v, c)})`;
}

/**
 * The content `read` rule for an item of a thread whose root the viewer can read (counts under
 * an item already re-checked): the thread part is the root's, already true, so it is left out.
 * Same answer as readableContentCondition there, at a fraction of its planning cost.
 */
export function readableInReadableThreadCondition(v: Viewer, c = sql.raw("c")): SQL {
  if (!v.id || !v.orgId) return sql`false`;
  return sql`(${c}.org_id = ${v.orgId} and ${c}.deleted_at is null and ${notHiddenFromCondition(v, c)} and ${authorNotBlockedCondition(v, c)}
    and ${holdAllowsCondition(v, c)})`;
}

/** People the viewer can see (the user `read` rule), as a condition on alias `u`. */
export function readableUserCondition(v: Viewer, u = sql.raw("u")): SQL {
  if (!v.id || !v.orgId) return sql`false`;
  const seesInactive = v.roles.has("admin") || v.roles.has("compliance");
  const active = seesInactive ? sql`true` : sql`${u}.status = 'active'`;
  const barrier = v.blockedDepartments.length
    ? sql`not (${u}.department = any(${textArray(v.blockedDepartments)}))`
    : sql`true`;
  return sql`(${u}.org_id = ${v.orgId} and (${u}.id = ${v.id} or (${active} and ${barrier})))`;
}
