import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ErrorNotice, GeneralErrorBoundary } from "~/components/error-boundary";
import { BestPracticeQueue } from "~/components/best-practice-review";
import { decide, decodeReviewCursor, REVIEW_SECTIONS, reviewQueue } from "~/discovery/review.server";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { now } from "~/utils/clock.server";
import { badRequest, fieldErrors, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "review.title");

const id = z.string().min(1).max(64);
const reason = z.string().trim().min(1, "discovery.error.reasonRequired").max(1000);
const DecisionForm = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("approve"),
    contentId: id,
    topic: z.string().trim().min(1, "discovery.error.topicRequired").max(40),
    ownerId: id,
    reverifyAt: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "discovery.error.reverifyPast"),
  }),
  z.object({ intent: z.literal("request_changes"), contentId: id, reason }),
  z.object({ intent: z.literal("reject"), contentId: id, reason }),
]);

// Without `section`: every section's first page. With it: that section only, from `cursor`
// (a keyset cursor from the section's "Show more"; it belongs to that section).
const QueueQuery = z
  .object({
    section: z.enum(REVIEW_SECTIONS, { errorMap: () => ({ message: "review.error.section" }) }).optional(),
    cursor: z
      .string()
      .transform((raw, ctx) => decodeReviewCursor(raw) ?? (ctx.addIssue({ code: "custom", message: "review.error.cursor" }), z.NEVER))
      .optional(),
  })
  .refine((q) => !q.cursor || q.section, { path: ["cursor"], message: "review.error.cursor" });

// Curators only: to everyone else the queue does not exist (404). A bad section or cursor is 400.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "curate");
  const values = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = QueueQuery.safeParse(values);
  if (!parsed.success) throw badRequest({ errors: fieldErrors(locale, parsed.error), values });
  const { section = null, cursor = null } = parsed.data;
  const sections = await reviewQueue(viewer, { section: section ?? undefined, cursor });
  // default re-verify date: in six months
  const defaultReverify = new Date(now().getTime() + 182 * 86_400_000).toISOString().slice(0, 10);
  return json({ sections, only: section, me: viewer.id, defaultReverify });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "curate");
  const parsed = await parseForm(request, DecisionForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  const result = await decide(
    viewer,
    input.contentId,
    input.intent === "approve"
      ? // a date means "until the end of that day" (UTC)
        { decision: "approve", topic: input.topic, ownerId: input.ownerId, reverifyAt: new Date(`${input.reverifyAt}T23:59:59.999Z`) }
      : { decision: input.intent, reason: input.reason },
  );
  if (!result.ok) {
    return badRequest({ errors: { [result.field]: translate(locale, result.error) }, values: { contentId: input.contentId } }, result.status);
  }
  return json({ ok: true as const, contentId: input.contentId });
}

// A bad section or page link: say which, and lead back to the whole queue.
export function ErrorBoundary() {
  return <GeneralErrorBoundary statusHandlers={{ 400: ({ error }) => <BadLink errors={(error.data as { errors?: Record<string, string> } | null)?.errors ?? {}} /> }} />;
}

function BadLink({ errors }: { errors: Record<string, string> }) {
  const { t } = useT();
  return <ErrorNotice status={400} title={t("error.400.title")} body={errors.section ?? errors.cursor ?? t("error.400.body")} action={{ to: "/best-practices/review", label: t("review.wholeQueue") }} />;
}

export default function ReviewQueuePage() {
  const { sections, only, me, defaultReverify } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return <BestPracticeQueue sections={sections} only={only} me={me} defaultReverify={defaultReverify} result={result ?? null} />;
}
