import { getDb } from "~/db/client.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { loadUserFacts } from "~/policy/facts.server";
import { can, type UserFacts, type Viewer } from "~/policy/policy";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { createInvite, deactivateUser, findInvite, findUserByEmail, listOrgUsers } from "./accounts.server";
import type { OrgRole } from "~/policy/roles";

// Administration on behalf of a viewer: each function asks the policy first and
// answers 404 when the viewer may not act, so a route never decides by roles.

const orgFor = authorizeOrg;

/** The org's people, each with what this viewer may do to them (the UI never recomputes rules). */
export async function listUsersAs(viewer: Viewer) {
  const { orgId } = orgFor(viewer, "admin");
  const rows = await listOrgUsers(orgId);
  return rows.map((u) => {
    const facts: UserFacts = { kind: "user", id: u.id, orgId, department: u.department, active: u.status === "active" };
    return { ...u, isViewer: u.id === viewer.id, canDeactivate: can(viewer, "deactivate", facts) };
  });
}

export type InviteAsResult =
  | { ok: true; token: string; email: string; expiresInDays: number }
  | { ok: false; reason: "email_taken" };

export async function inviteAs(viewer: Viewer, input: { email: string; role: OrgRole }): Promise<InviteAsResult> {
  const { orgId, actorId } = orgFor(viewer, "invite");
  // Emails are unique across Atrium, so someone in another org cannot be invited either.
  if (await findUserByEmail(input.email)) return { ok: false, reason: "email_taken" };
  const { token } = await createInvite({ orgId, email: input.email, role: input.role, createdBy: actorId });
  const created = await findInvite(token);
  const expiresInDays = created ? Math.round((created.invite.expiresAt.getTime() - now().getTime()) / 86_400_000) : 0;
  return { ok: true, token, email: input.email.trim().toLowerCase(), expiresInDays };
}

/** Deactivates `userId` if the policy allows this viewer to; otherwise the user does not exist for them. */
export async function deactivateUserAs(viewer: Viewer, userId: string): Promise<boolean> {
  const facts = await loadUserFacts(await getDb(), userId);
  if (!facts || !viewer.id || !can(viewer, "deactivate", facts)) notFound();
  return deactivateUser(facts.orgId, userId, viewer.id);
}
