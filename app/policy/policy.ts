import type { OrgRole } from "~/policy/roles";

// The one permission model. Every question "may this viewer do this to that?" is
// answered here, from facts resolved once per request. The SQL scopes
// (scopes.server.ts) and the search filter (search-filter.ts) are built from the
// same facts and rules; tests/integration/policy-parity.test.ts holds them equal.

export type Viewer = {
  id: string | null;
  orgId: string | null;
  department: string;
  roles: ReadonlySet<OrgRole>;
  memberSpaceIds: ReadonlySet<string>;
  adminSpaceIds: ReadonlySet<string>;
  blockedDepartments: readonly string[];
  /** pre-approval tiers the viewer approves, as approverKey(spaceId, tier) */
  approverTiers?: ReadonlySet<string>;
};

export const ANONYMOUS: Viewer = Object.freeze({
  id: null,
  orgId: null,
  department: "",
  roles: new Set<OrgRole>(),
  memberSpaceIds: new Set<string>(),
  adminSpaceIds: new Set<string>(),
  blockedDepartments: [],
  approverTiers: new Set<string>(),
});

/** How a viewer's approver seat is named in Viewer.approverTiers (and in search documents). */
export const approverKey = (spaceId: string, tier: number) => `${spaceId}:${tier}`;

export type SpaceFacts = {
  kind: "space";
  id: string;
  orgId: string;
  visibility: "open" | "private" | "secret";
  joinPolicy: "open" | "request" | "invite";
  allowedDepartments: readonly string[];
  /** pre-approval tiers (0 or absent: posts publish at once) */
  approvalTiers?: number;
};

export type ContentSpaceFacts = Omit<SpaceFacts, "kind" | "id" | "orgId" | "joinPolicy" | "approvalTiers"> & { id: string };

/**
 * A root held by pre-approval: pending at a tier (seen by its author and that tier's
 * approvers only), or rejected (returned to its author, seen by nobody else).
 */
export type HoldFacts = { state: "pending" | "rejected"; tier: number };

/**
 * The top-most ancestor of a thread (a post, a question). A comment, an answer or a
 * reply is seen only where its root is: the root's space, its author's barrier side,
 * and whether it is deleted (deleting a post closes its thread).
 */
export type ThreadRootFacts = {
  id: string;
  authorId: string;
  authorDepartment: string;
  /** true as well when the root row no longer exists: a thread without a root is closed */
  deleted: boolean;
  /** hidden pending investigation (supervision): the thread is seen by the root's author only */
  hidden: boolean;
  space: ContentSpaceFacts | null;
  /** the root's pre-approval hold (null or absent: published) */
  hold?: HoldFacts | null;
};

export type ContentFacts = {
  kind: "content";
  id: string;
  orgId: string;
  contentKind: string;
  authorId: string;
  authorDepartment: string;
  deleted: boolean;
  /** hidden pending investigation by a compliance reviewer: seen by its author only (and compliance, in the console) */
  hidden: boolean;
  /** null: org-wide content outside any space */
  space: ContentSpaceFacts | null;
  /** null for a root; for anything with a parent, its thread's root */
  root: ThreadRootFacts | null;
  /** pre-approval hold on this item (null or absent: published) */
  hold?: HoldFacts | null;
};

export type UserFacts = {
  kind: "user";
  id: string;
  orgId: string;
  department: string;
  active: boolean;
};

export type OrgFacts = { kind: "org"; id: string };

/** A manager's reporting line (everyone under them through users.manager_id), for team analytics. */
export type LineFacts = { kind: "line"; orgId: string; managerId: string; reports: number };

export type Resource = SpaceFacts | ContentFacts | UserFacts | OrgFacts | LineFacts;

export type SpaceAction = "read" | "list" | "join" | "request_join" | "leave" | "post" | "manage" | "review" | "approvals";
export type ContentAction =
  | "read"
  | "history"
  | "comment"
  | "react"
  | "edit"
  | "delete"
  | "restore"
  | "review"
  | "pin"
  | "label_topics"
  // Q&A
  | "answer"
  | "vote"
  | "accept"
  | "close"
  | "verify"
  // discovery
  | "save"
  | "share"
  | "nominate"
  | "curate"
  // pre-approval
  | "approve"
  | "resubmit";
export type UserAction = "read" | "mention" | "deactivate" | "review" | "edit_profile" | "endorse" | "view_analytics";
export type LineAction = "view_analytics";
export type OrgAction =
  | "admin"
  | "invite"
  | "manage_spaces_any"
  | "compliance"
  | "manage_barriers"
  | "view_audit"
  | "view_analytics"
  | "manage_analytics"
  | "view_dead_letters"
  | "manage_synonyms"
  | "manage_webhooks"
  | "view_archive_stream"
  | "manage_skills"
  | "manage_integrations"
  | "manage_usage_policy"
  | "manage_sso"
  | "curate"
  | "erase_person"
  | "create_space";

export type ActionFor<R extends Resource> = R extends SpaceFacts
  ? SpaceAction
  : R extends ContentFacts
    ? ContentAction
    : R extends UserFacts
      ? UserAction
      : R extends LineFacts
        ? LineAction
        : OrgAction;

// ---------- small predicates ----------

const signedIn = (v: Viewer) => v.id !== null && v.orgId !== null;
const sameOrg = (v: Viewer, orgId: string) => signedIn(v) && v.orgId === orgId;
const has = (v: Viewer, role: OrgRole) => v.roles.has(role);
const departmentAllowed = (v: Viewer, allowed: readonly string[]) =>
  allowed.length === 0 || allowed.includes(v.department);
/** A space walled off from the viewer: it is limited to departments across a barrier. */
const spaceBehindBarrier = (v: Viewer, allowed: readonly string[]) =>
  allowed.some((d) => v.blockedDepartments.includes(d));
const departmentBlocked = (v: Viewer, department: string) => v.blockedDepartments.includes(department);

export function canReadSpace(v: Viewer, s: { id: string; visibility: string; allowedDepartments: readonly string[] }) {
  if (spaceBehindBarrier(v, s.allowedDepartments)) return false;
  if (v.memberSpaceIds.has(s.id)) return true;
  return s.visibility === "open" && departmentAllowed(v, s.allowedDepartments);
}

function canListSpace(v: Viewer, s: SpaceFacts) {
  if (canReadSpace(v, s)) return true;
  if (spaceBehindBarrier(v, s.allowedDepartments)) return false;
  return s.visibility === "private" && departmentAllowed(v, s.allowedDepartments);
}

function spaceRules(v: Viewer, action: SpaceAction, s: SpaceFacts): boolean {
  if (!sameOrg(v, s.orgId)) return false;
  const member = v.memberSpaceIds.has(s.id);
  switch (action) {
    case "review":
      return has(v, "compliance");
    case "read":
      return canReadSpace(v, s);
    case "list":
      return canListSpace(v, s);
    case "join":
      return !member && s.joinPolicy === "open" && canListSpace(v, s) && departmentAllowed(v, s.allowedDepartments);
    case "request_join":
      return !member && s.joinPolicy === "request" && canListSpace(v, s) && departmentAllowed(v, s.allowedDepartments);
    case "leave":
      return member;
    case "post":
      return member && canReadSpace(v, s);
    case "manage":
      return (v.adminSpaceIds.has(s.id) && canReadSpace(v, s)) || (has(v, "admin") && canListSpace(v, s));
    case "approvals": // a pre-approval space's queue: its members (their submissions) and approvers (their tier's queue)
      return (s.approvalTiers ?? 0) > 0 && member && canReadSpace(v, s);
  }
}

/**
 * The pre-approval part of the read rule: a held item is seen by its author, and while
 * pending by the approvers of its current tier; a rejected one by its author only.
 */
function holdAllows(v: Viewer, hold: HoldFacts | null | undefined, authorId: string, space: ContentSpaceFacts | null) {
  if (!hold) return true;
  if (v.id !== null && v.id === authorId) return true;
  return hold.state === "pending" && space !== null && (v.approverTiers?.has(approverKey(space.id, hold.tier)) ?? false);
}

/** Held by pre-approval, itself or through its thread's root. */
export const threadHeld = (c: ContentFacts) => !!c.hold || !!c.root?.hold;

/** The space a thread lives in is its root's: a comment is judged by its post's space. */
export const threadSpace = (c: ContentFacts) => (c.root ? c.root.space : c.space);

/** Deleted itself, or in a thread whose root is deleted: only compliance reaches it. */
export const threadClosed = (c: ContentFacts) => c.deleted || (c.root?.deleted ?? false);

/** Hidden pending investigation, itself or its thread's root, from everyone but that item's author. */
export const hiddenFrom = (v: Viewer, c: ContentFacts) => (c.hidden && v.id !== c.authorId) || (!!c.root?.hidden && v.id !== c.root.authorId);

/**
 * Readable when the item and its thread are: same org, neither the item nor its root
 * deleted (nor hidden from the viewer), neither author across a barrier from the viewer,
 * and the thread's space readable.
 */
export function canReadContent(v: Viewer, c: ContentFacts) {
  if (!sameOrg(v, c.orgId) || threadClosed(c) || hiddenFrom(v, c)) return false;
  if (departmentBlocked(v, c.authorDepartment)) return false;
  if (c.root && departmentBlocked(v, c.root.authorDepartment)) return false;
  if (!holdAllows(v, c.hold, c.authorId, c.space)) return false;
  if (c.root && !holdAllows(v, c.root.hold, c.root.authorId, c.root.space)) return false;
  const space = threadSpace(c);
  return space === null || canReadSpace(v, space);
}

const spaceAdmin = (v: Viewer, c: ContentFacts) => c.space !== null && v.adminSpaceIds.has(c.space.id);

// What may happen to an item held by pre-approval: nothing public (no comment, reaction,
// share, nomination…) until every tier has approved it.
const HELD_ACTIONS: ReadonlySet<ContentAction> = new Set(["read", "history", "edit", "delete", "review", "approve", "resubmit"]);

function contentRules(v: Viewer, action: ContentAction, c: ContentFacts): boolean {
  if (!sameOrg(v, c.orgId)) return false;
  const own = v.id === c.authorId;
  if (threadHeld(c) && !HELD_ACTIONS.has(action)) return false;
  switch (action) {
    case "review":
      return has(v, "compliance");
    case "read":
    case "history":
    case "react":
      return canReadContent(v, c);
    case "comment":
      return canReadContent(v, c) && ["post", "comment", "question", "answer"].includes(c.contentKind);
    case "edit":
      return own && canReadContent(v, c);
    case "delete": {
      const space = threadSpace(c);
      return canReadContent(v, c) && (own || has(v, "admin") || (space !== null && v.adminSpaceIds.has(space.id)));
    }
    case "restore":
      return c.deleted && (has(v, "compliance") || has(v, "admin"));
    case "pin": // announcements: org admins, top-level posts they can see
      return has(v, "admin") && c.contentKind === "post" && canReadContent(v, c);
    case "label_topics": // curators label posts they can see with topics
      return (has(v, "curator") || has(v, "admin")) && c.contentKind === "post" && canReadContent(v, c);
    case "answer": // anyone who can read a question (closed or deleted questions are refused by the domain)
      return c.contentKind === "question" && canReadContent(v, c);
    case "vote": // questions and answers one can read, never one's own
      return (c.contentKind === "question" || c.contentKind === "answer") && !own && canReadContent(v, c);
    case "accept": // on the question: its asker, or an admin of its space
      return c.contentKind === "question" && canReadContent(v, c) && (own || spaceAdmin(v, c));
    case "close": // as a duplicate: the asker, a space admin, or a curator
      return c.contentKind === "question" && canReadContent(v, c) && (own || spaceAdmin(v, c) || has(v, "curator") || has(v, "admin"));
    case "verify": // curators mark answers verified or obsolete (tag experts too: the Q&A domain checks expertise)
      return c.contentKind === "answer" && canReadContent(v, c) && (has(v, "curator") || has(v, "admin"));
    case "save": // one's own reading list
      return canReadContent(v, c) && ["post", "question", "answer"].includes(c.contentKind);
    case "share": // posts only, into a space the sharer may post in (checked on the space)
      return canReadContent(v, c) && c.contentKind === "post";
    case "nominate": // any reader nominates a post, answer or question (FAQ) for review
      return canReadContent(v, c) && ["post", "question", "answer"].includes(c.contentKind);
    case "curate": // review decisions: curators, on what they can see, never their own
      return (has(v, "curator") || has(v, "admin")) && !own && canReadContent(v, c) && ["post", "question", "answer"].includes(c.contentKind);
    case "approve": // an approver of the current tier, never on their own item
      return c.hold?.state === "pending" && !own && c.space !== null && (v.approverTiers?.has(approverKey(c.space.id, c.hold.tier)) ?? false) && canReadContent(v, c);
    case "resubmit": // a returned item, by its author
      return c.hold?.state === "rejected" && own && canReadContent(v, c);
  }
}

export function canReadUser(v: Viewer, u: UserFacts) {
  if (!sameOrg(v, u.orgId)) return false;
  if (v.id === u.id) return true;
  if (departmentBlocked(v, u.department)) return false;
  return u.active || has(v, "admin") || has(v, "compliance");
}

function userRules(v: Viewer, action: UserAction, u: UserFacts): boolean {
  if (!sameOrg(v, u.orgId)) return false;
  switch (action) {
    case "review":
      return has(v, "compliance");
    case "read":
      return canReadUser(v, u);
    case "mention":
      return u.active && v.id !== u.id && canReadUser(v, u);
    case "deactivate":
      return has(v, "admin") && u.active && v.id !== u.id;
    case "edit_profile": // one's own profile; org admins keep the org chart (manager) right
      return u.active && (v.id === u.id || has(v, "admin")) && canReadUser(v, u);
    case "endorse": // a colleague's skill, never one's own
      return u.active && v.id !== u.id && canReadUser(v, u);
    case "view_analytics": // each person sees their own figures, nobody else's
      return v.id === u.id;
  }
}

function lineRules(v: Viewer, action: LineAction, l: LineFacts): boolean {
  if (!sameOrg(v, l.orgId)) return false;
  switch (action) {
    case "view_analytics": // a manager sees their own reporting line only (aggregates, suppressed below K)
      return v.id === l.managerId && l.reports > 0;
  }
}

function orgRules(v: Viewer, action: OrgAction, o: OrgFacts): boolean {
  if (!sameOrg(v, o.id)) return false;
  switch (action) {
    case "admin":
    case "invite":
    case "manage_spaces_any":
    case "view_dead_letters":
    case "manage_synonyms":
    case "manage_webhooks":
    case "manage_skills":
    case "manage_integrations": // API and SCIM tokens
    case "manage_usage_policy": // the social-media usage policy's versions
    case "manage_sso": // single sign-on settings
      return has(v, "admin");
    case "compliance":
    case "manage_barriers":
    case "view_audit":
    case "view_archive_stream":
      return has(v, "compliance");
    case "view_analytics":
      return has(v, "hr") || has(v, "admin");
    case "curate":
      return has(v, "curator") || has(v, "admin");
    case "erase_person": // GDPR art. 17 requests: compliance officers and org admins
      return has(v, "compliance") || has(v, "admin");
    case "manage_analytics": // the measurement's settings, K among them: HR analysts and admins
      return has(v, "hr") || has(v, "admin");
    case "create_space":
      return true;
  }
}

/** The single answer to "may `viewer` do `action` to `resource`?" */
export function can<R extends Resource>(viewer: Viewer, action: ActionFor<R>, resource: R): boolean {
  switch (resource.kind) {
    case "space":
      return spaceRules(viewer, action as SpaceAction, resource);
    case "content":
      return contentRules(viewer, action as ContentAction, resource);
    case "user":
      return userRules(viewer, action as UserAction, resource);
    case "org":
      return orgRules(viewer, action as OrgAction, resource);
    case "line":
      return lineRules(viewer, action as LineAction, resource);
  }
}

export const orgFacts = (id: string): OrgFacts => ({ kind: "org", id });
