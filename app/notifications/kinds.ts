import type { MessageKey } from "~/i18n";

// Shared by the server (digest emails) and the notifications page's component, so it
// lives outside any .server module (those are stubbed in the browser bundle).
export type NotificationKind = "mention" | "reply" | "reaction" | "watch" | "answer" | "accepted" | "qa_routed" | "qa_escalated" | "qa_reverify" | "reverify" | "usage_policy" | "approval_requested" | "approval_approved" | "approval_rejected";

/** The sentence each kind of notification is shown with, in the page and in the digest. */
export const NOTIFICATION_TEXT: Record<NotificationKind, MessageKey> = {
  mention: "notifications.mention",
  reply: "notifications.reply",
  reaction: "notifications.reaction",
  watch: "notifications.watch",
  answer: "notifications.answer",
  accepted: "notifications.accepted",
  qa_routed: "notifications.qa_routed",
  qa_escalated: "notifications.qa_escalated",
  qa_reverify: "notifications.qa_reverify",
  reverify: "notifications.reverify",
  usage_policy: "notifications.usage_policy",
  approval_requested: "notifications.approval_requested",
  approval_approved: "notifications.approval_approved",
  approval_rejected: "notifications.approval_rejected",
};

/** Kinds whose subject is not a content item (subject_id names something else; no thread, no policy check on content). */
export const NON_CONTENT_KINDS: readonly NotificationKind[] = ["usage_policy"];
