import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { DataTable } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { EmptyState, FormError, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { deadLettersAs, requireDeadLetterViewer, retryDeadAs } from "~/admin/dead-letters.server";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "admin.outbox.title");

const RetryIntent = z.object({
  intent: z.literal("retry"),
  eventId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  consumer: z.string().trim().min(1).max(120),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json({ letters: await deadLettersAs(viewer) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  // Before reading the form: to anyone but an org admin the page does not exist, even for bad input.
  requireDeadLetterViewer(viewer);
  const parsed = await parseForm(request, RetryIntent, locale);
  if (!parsed.ok) return badRequest({ ...parsed, formError: translate(locale, "form.invalidValue") });
  const { eventId, consumer } = parsed.data;
  await retryDeadAs(viewer, eventId, consumer);
  return json({ ok: true as const, eventId, consumer });
}

export default function OutboxPage() {
  const { letters } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const retried = actionData?.ok ? actionData : null;
  const failed = actionData && !actionData.ok ? actionData : null;
  return (
    <>
      <PageHeader title={t("admin.outbox.title")} description={t("admin.outbox.description")} />
      <FormError className="mb-4">{failed?.formError}</FormError>
      <SuccessNotice className="mb-4">{retried ? t("admin.outbox.retried", { id: retried.eventId, consumer: retried.consumer }) : null}</SuccessNotice>
      {letters.length === 0 ? (
        <EmptyState title={t("admin.outbox.emptyTitle")} description={t("admin.outbox.emptyBody")} />
      ) : (
        <DataTable
          caption={t("admin.outbox.caption")}
          columns={[
            t("admin.outbox.event"),
            t("admin.outbox.consumer"),
            t("admin.outbox.topic"),
            t("admin.outbox.subject"),
            t("admin.outbox.attempts"),
            t("admin.outbox.lastError"),
          ]}
          actionsColumn={t("admin.outbox.retry")}
        >
          {letters.map((l) => (
            <tr key={`${l.eventId}:${l.consumer}`} className="align-top">
              <td className="px-4 py-3 text-slate-500 tabular-nums">{l.eventId}</td>
              <td className="px-4 py-3 font-medium text-slate-900">{l.consumer}</td>
              <td className="px-4 py-3">
                <code className="text-xs text-slate-700">{l.topic}</code>
              </td>
              <td className="px-4 py-3">
                <code className="text-xs break-all text-slate-600">{l.subjectId}</code>
              </td>
              <td className="px-4 py-3 text-slate-600 tabular-nums">{l.attempts}</td>
              <td className="max-w-md px-4 py-3">
                <code className="block text-xs break-words whitespace-pre-wrap text-red-800">{l.lastError}</code>
              </td>
              <td className="px-4 py-3 text-right">
                <PostButton
                  fields={{ intent: "retry", eventId: l.eventId, consumer: l.consumer }}
                  variant="secondary"
                  disabled={busy}
                  aria-label={t("admin.outbox.retryLabel", { id: l.eventId, consumer: l.consumer })}
                >
                  {t("admin.outbox.retry")}
                </PostButton>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
