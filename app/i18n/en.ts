import { analyticsEn } from "./messages/analytics";
import { complianceEn } from "./messages/compliance";
import { supervisionEn } from "./messages/supervision";
import { auditEn } from "./messages/audit";
import { digestEn } from "./messages/digest";
import { discoveryEn } from "./messages/discovery";
import { feedEn } from "./messages/feed";
import { peopleEn } from "./messages/people";
import { integrationsEn } from "./messages/integrations";
import { ssoEn } from "./messages/sso";
import { searchEn } from "./messages/search";
import { qaEn } from "./messages/qa";
import { recordsEn } from "./messages/records";
import { spacesEn } from "./messages/spaces";
import { approvalsEn } from "./messages/approvals";
import { webhooksEn } from "./messages/webhooks";
import { usagePolicyEn } from "./messages/usage-policy";

// English is the source catalogue: every key lives here first, and its
// `{placeholder}` names are the contract the French catalogue is checked against.
export const en = {
  // App
  "app.name": "Atrium",
  "meta.title": "{page} · Atrium",

  // Shell
  "shell.skipToContent": "Skip to content",
  "shell.home": "Atrium home",
  "shell.primaryNav": "Main",
  "shell.menu": "Menu",
  "shell.openMenu": "Open menu",
  "shell.closeMenu": "Close menu",
  "shell.accountMenu": "Account menu",
  "shell.accountLinks": "Account",

  // Navigation
  "nav.feed": "Feed",
  "nav.questions": "Questions",
  "nav.experts": "Experts",
  "nav.bestPractices": "Best practices",
  "nav.spaces": "Spaces",
  "nav.search": "Search",
  "nav.compliance": "Compliance",
  "nav.analytics": "Analytics",
  "nav.adminUsers": "Manage users",
  "nav.outbox": "Delivery failures",
  "nav.notificationSettings": "Email digest",

  // User menu
  "user.mySessions": "My sessions",
  "user.signOut": "Sign out",
  "user.signedInAs": "Signed in as {name}",
  "user.signIn": "Sign in",
  "user.language": "Language",
  "user.preferences": "Language and time zone",
  "prefs.title": "Language and time zone",
  "prefs.intro": "How Atrium speaks to you and shows times.",
  "prefs.language": "Language",
  "prefs.timeZone": "Time zone",
  "prefs.browserZone": "Same as this browser ({zone})",
  "prefs.save": "Save",
  "prefs.saved": "Saved.",
  "prefs.badZone": "Choose a time zone from the list.",

  // Search
  "search.label": "Search",
  "search.placeholder": "Search Atrium",
  "search.submit": "Search",
  "search.shortcutHint": "Press / to search",
  "search.title": "Search",
  "search.resultsFor": "Results for “{query}”",
  "search.promptTitle": "Search Atrium",
  "search.promptBody": "Search posts, questions, people and best practices you have access to.",
  "search.noResultsTitle": "No results for “{query}”",
  "search.noResultsBody": "Try different words, or check the spelling.",

  // Login
  "login.title": "Sign in",
  "login.heading": "Sign in to Atrium",
  "login.email": "Email",
  "login.password": "Password",
  "login.submit": "Sign in",
  "login.submitting": "Signing in…",
  "login.failed": "Email or password is incorrect.",
  "login.rateLimited": "Too many attempts. Try again in a few minutes.",
  "login.noAccount": "Need an account? Ask your organisation's administrator for an invitation.",

  // First-run setup
  "setup.title": "Set up Atrium",
  "setup.heading": "Create the first administrator",
  "setup.intro": "This account will manage your organisation's workspace. You can invite colleagues once it is created.",
  "setup.orgName": "Organisation name",
  "setup.name": "Your name",
  "setup.email": "Email",
  "setup.password": "Password",
  "setup.passwordHint": "At least {min} characters.",
  "setup.submit": "Create",
  "setup.invalidToken": "This setup link is invalid or has already been used.",
  "setup.alreadyDone": "Atrium is already set up. Sign in instead.",
  "setup.invalidTitle": "This link can't be used",

  // Invitation acceptance
  "invite.title": "Join {org}",
  "invite.heading": "Join {org}",
  "invite.intro": "You have been invited to join {org} on Atrium.",
  "invite.email": "Email",
  "invite.name": "Your name",
  "invite.password": "Password",
  "invite.passwordHint": "At least {min} characters.",
  "invite.submit": "Join {org}",
  "invite.invalid": "This invitation link is invalid or has expired. Ask your administrator for a new one.",
  "invite.invalidTitle": "This invitation can't be used",
  "invite.emailTaken": "An account with this email address already exists. Sign in instead.",

  // Sessions
  "sessions.title": "Your sessions",
  "sessions.intro": "These are the devices signed in to your account. Revoke any you don't recognise.",
  "sessions.thisDevice": "This device",
  "sessions.lastActive": "Last active",
  "sessions.created": "Created",
  "sessions.expires": "Expires",
  "sessions.revoke": "Revoke",
  "sessions.revokeAll": "Revoke all other sessions",
  "sessions.ipAddress": "IP address",
  "sessions.device": "Device",
  "sessions.unknownDevice": "Unknown device",
  "sessions.unknownIp": "Unknown",
  "sessions.revoked": "Session revoked.",
  "sessions.revokedOthers": "All other sessions have been revoked.",
  "sessions.noOthers": "You are not signed in anywhere else.",
  "sessions.deviceSummary": "{browser} on {os}",
  "sessions.revokeLabel": "Revoke the session on {device}",
  "sessions.signOutHere": "Sign out here",

  // Admin: users
  "admin.users.title": "Users",
  "admin.users.description": "Invite colleagues and manage who can use Atrium.",
  "admin.users.invite": "Invite someone",
  "admin.users.inviteSubmit": "Create invite link",
  "admin.users.email": "Email",
  "admin.users.name": "Name",
  "admin.users.role": "Role",
  "admin.users.roles": "Roles",
  "admin.users.status": "Status",
  "admin.users.inviteLink": "Invite link",
  "admin.users.inviteLinkHint": "Send this link to {email}. It can be used once and expires in {days} days.",
  "admin.users.inviteExists": "Someone with this email address is already a member.",
  "admin.users.copy": "Copy link",
  "admin.users.copied": "Copied",
  "admin.users.deactivate": "Deactivate",
  "admin.users.deactivateConfirm": "Deactivate {name}? They will be signed out everywhere and can no longer sign in.",
  "admin.users.deactivated": "Deactivated",
  "admin.users.active": "Active",
  "admin.users.invited": "Invited",
  "admin.users.you": "You",
  "admin.users.cannotDeactivateSelf": "You can't deactivate your own account.",
  "admin.users.empty": "No one else has joined yet. Invite a colleague to get started.",
  "admin.users.members": "People in {org}",
  "admin.users.actions": "Actions",
  "admin.users.deactivateLabel": "Deactivate {name}",
  "admin.users.deactivatedNotice": "The account has been deactivated and signed out everywhere.",
  "admin.users.copyFailed": "Couldn't copy. Select the link and copy it yourself.",

  // Roles
  "role.member": "Member",
  "role.curator": "Curator",
  "role.compliance": "Compliance officer",
  "role.hr": "HR analyst",
  "role.admin": "Organisation admin",

  // Forms
  "form.required": "Required",
  "form.invalidEmail": "Invalid email address",
  "form.tooShort": "Must be at least {min} characters",
  "form.tooLong": "Must be at most {max} characters",
  "form.invalidValue": "Invalid value",
  "form.tooLarge": "Request too large",
  "form.fixErrors": "Please correct the highlighted fields.",
  "form.optional": "Optional",
  "form.save": "Save",
  "form.saving": "Saving…",
  "form.cancel": "Cancel",

  // Errors
  "error.404.title": "We couldn't find that page",
  "error.404.body": "It may have been moved or deleted, or you may not have access to it.",
  "error.403.title": "You don't have access to this page",
  "error.403.body": "If you think you should, ask your organisation's administrator.",
  "error.413.title": "That request was too large",
  "error.413.body": "Try again with less content.",
  "error.400.title": "We couldn't process that request",
  "error.400.body": "Check what you entered and try again.",
  "error.500.title": "Something went wrong on our side",
  "error.500.body": "Please try again in a moment. If it keeps happening, contact your administrator.",
  "error.generic.title": "Something went wrong",
  "error.generic.body": "Please try again. If it keeps happening, contact your administrator.",
  "error.status": "Error {status}",
  "error.backToFeed": "Back to your feed",
  "error.notFoundTitle": "Page not found",

  // Health
  "health.title": "Health",
  "health.ok": "Atrium is running.",
  "health.degraded": "Atrium is running with reduced service.",
  "health.down": "Atrium is unavailable.",
  "health.database": "Database",
  "health.search": "Search",
  "health.statusOk": "OK",
  "health.statusDown": "Unavailable",

  // Pages
  "feed.title": "Your feed",
  "feed.emptyTitle": "Nothing here yet",
  "feed.emptyBody": "Posts from your spaces and the people you follow will appear here.",

  "questions.title": "Questions",
  "questions.description": "Ask colleagues and find answers that have already been given.",
  "questions.emptyTitle": "No questions yet",
  "questions.emptyBody": "Questions asked in your spaces will appear here.",

  "experts.title": "Experts",
  "experts.description": "Find the colleagues who know a subject well.",
  "experts.emptyTitle": "No experts listed yet",
  "experts.emptyBody": "Colleagues recognised for their expertise will appear here.",

  "bestPractices.title": "Best practices",
  "bestPractices.description": "Approved guidance, curated for your organisation.",
  "bestPractices.emptyTitle": "No best practices published yet",
  "bestPractices.emptyBody": "Guidance approved by curators will appear here.",

  "spaces.title": "Spaces",
  "spaces.description": "Teams, projects and communities of practice.",
  "spaces.emptyTitle": "No spaces yet",
  "spaces.emptyBody": "Spaces you belong to or can join will appear here.",

  "compliance.title": "Compliance",
  "compliance.description": "Review, retention and legal holds.",
  "compliance.emptyTitle": "Nothing to review",
  "compliance.emptyBody": "Content flagged for compliance review will appear here.",

  "analytics.title": "Analytics",
  "analytics.description": "Participation across your organisation, in aggregate.",
  "analytics.emptyTitle": "No data yet",
  "analytics.emptyBody": "Aggregate activity will appear here once people start using Atrium.",

  // Common
  "common.loading": "Loading…",
  "common.close": "Close",
  "common.back": "Back",
  "common.yes": "Yes",
  "common.no": "No",
  ...feedEn,
  ...complianceEn,
  ...recordsEn,
  ...supervisionEn,
  ...auditEn,
  ...searchEn,
  ...qaEn,
  ...digestEn,
  ...discoveryEn,
  ...spacesEn,
  ...approvalsEn,
  ...integrationsEn,
  ...ssoEn,
  ...peopleEn,
  ...webhooksEn,
  ...usagePolicyEn,
  ...analyticsEn,
} as const;

export type MessageKey = keyof typeof en;

// Placeholder names in a message: "Join {org}" -> "org".
export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

type ContainsAll<P extends string> = [P] extends [never]
  ? string
  : UnionToIntersection<P extends string ? `${string}{${P}}${string}` : never>;

/** A translation of the English catalogue: same keys, and each message keeps its placeholders. */
export type Translation = { [K in MessageKey]: ContainsAll<Placeholders<(typeof en)[K]>> };
