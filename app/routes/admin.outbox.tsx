import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, EmptyState, FormError, PageHeader } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { deadLettersAs, requireDeadLetterViewer, retryDeadAs } from "~/platform/outbox-admin.server";
import { requireViewer } from "~/policy/request.server";
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
      <div role="status">
        {retried ? (
          <p className="mb-4 rounded-lg border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {t("admin.outbox.retried", { id: retried.eventId, consumer: retried.consumer })}
          </p>
        ) : null}
      </div>
      {letters.length === 0 ? (
        <EmptyState title={t("admin.outbox.emptyTitle")} description={t("admin.outbox.emptyBody")} />
      ) : (
        <Card className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <caption className="px-4 pt-4 pb-2 text-left text-base font-semibold text-slate-900">{t("admin.outbox.caption")}</caption>
            <thead className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.event")}</th>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.consumer")}</th>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.topic")}</th>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.subject")}</th>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.attempts")}</th>
                <th scope="col" className="px-4 py-2 font-medium">{t("admin.outbox.lastError")}</th>
                <th scope="col" className="px-4 py-2 font-medium">
                  <span className="sr-only">{t("admin.outbox.retry")}</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
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
                    <Form method="post">
                      <input type="hidden" name="intent" value="retry" />
                      <input type="hidden" name="eventId" value={l.eventId} />
                      <input type="hidden" name="consumer" value={l.consumer} />
                      <Button
                        type="submit"
                        variant="secondary"
                        size="sm"
                        disabled={busy}
                        aria-label={t("admin.outbox.retryLabel", { id: l.eventId, consumer: l.consumer })}
                      >
                        {t("admin.outbox.retry")}
                      </Button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
      )}
    </>
  );
}
