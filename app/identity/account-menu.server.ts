import type { MessageKey } from "~/i18n";
import { can, orgFacts, type OrgAction, type Viewer } from "~/policy/policy";

export type MenuLink = { to: string; label: MessageKey };

const GATED: { to: string; label: MessageKey; action: OrgAction }[] = [
  { to: "/admin/users", label: "nav.adminUsers", action: "admin" },
  { to: "/admin/synonyms", label: "nav.synonyms", action: "manage_synonyms" },
  { to: "/admin/skills", label: "nav.skills", action: "manage_skills" },
  { to: "/admin/outbox", label: "nav.outbox", action: "view_dead_letters" },
  { to: "/admin/integrations", label: "nav.integrations", action: "manage_integrations" },
  { to: "/admin/sso", label: "nav.sso", action: "manage_sso" },
  { to: "/admin/webhooks", label: "webhooks.title", action: "manage_webhooks" },
  { to: "/admin/usage-policy", label: "nav.usagePolicyAdmin", action: "manage_usage_policy" },
  { to: "/compliance", label: "nav.compliance", action: "compliance" },
  { to: "/analytics", label: "nav.analytics", action: "view_analytics" },
  { to: "/best-practices/review", label: "nav.review", action: "curate" },
];

/** The account menu: the policy decides which privileged pages a person is offered. */
export function shellMenu(viewer: Viewer): MenuLink[] {
  const links: MenuLink[] = [
    ...(viewer.id ? [{ to: `/people/${viewer.id}`, label: "nav.myProfile" as const }] : []),
    { to: "/settings/preferences", label: "user.preferences" },
    { to: "/settings/sessions", label: "user.mySessions" },
    { to: "/settings/notifications", label: "nav.notificationSettings" },
    { to: "/settings/watchlist", label: "nav.watchlist" },
    { to: "/saved", label: "nav.saved" },
    { to: "/policy", label: "nav.usagePolicy" },
    { to: "/analytics/me", label: "nav.myAnalytics" },
  ];
  if (!viewer.orgId) return links;
  const org = orgFacts(viewer.orgId);
  for (const g of GATED) if (can(viewer, g.action, org)) links.push({ to: g.to, label: g.label });
  return links;
}
