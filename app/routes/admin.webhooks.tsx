import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { DataTable } from "~/components/data-table";
import { PostButton } from "~/components/post-button";
import { Button, Card, FormError, Input, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { createWebhook, disableWebhook, redeliver, WebhookIntentSchema, webhooksPage } from "~/integrations/webhooks.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "webhooks.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await webhooksPage(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "manage_webhooks"); // 404 before reading the form
  const parsed = await parseForm(request, WebhookIntentSchema, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "create") {
    const r = await createWebhook(viewer, { url: input.url, events: input.events });
    if (!r.ok) return badRequest({ errors: { url: translate(locale, r.error) }, values: { url: input.url } });
    return json({ ok: true as const, intent: "create" as const, secret: r.secret, message: "" });
  }
  if (input.intent === "disable") {
    await disableWebhook(viewer, input.webhookId);
    return json({ ok: true as const, intent: "disable" as const, secret: "", message: translate(locale, "webhooks.disabledNotice") });
  }
  const outcome = await redeliver(viewer, input.webhookId, input.eventId);
  const message = outcome?.ok
    ? translate(locale, "webhooks.redelivered", { id: input.eventId })
    : translate(locale, "webhooks.redeliverFailed", { id: input.eventId, error: outcome?.error ?? "—" });
  return json({ ok: true as const, intent: "redeliver" as const, secret: "", message });
}

export default function WebhooksPage() {
  const { events, hooks, log } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  return (
    <>
      <PageHeader title={t("webhooks.title")} description={t("webhooks.description")} />
      <SuccessNotice className="mb-4">{done?.secret ? t("webhooks.secretOnce", { secret: done.secret }) : done?.message || null}</SuccessNotice>
      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("webhooks.create")}</h2>
        <p className="mt-1 text-sm text-slate-600">{t("webhooks.signatureHint")}</p>
        <Form method="post" className="mt-4 space-y-4">
          <input type="hidden" name="intent" value="create" />
          <FormError>{failed ? Object.values(failed.errors).join(" ") : null}</FormError>
          <Input label={t("webhooks.url")} name="url" type="url" required maxLength={2000} defaultValue={failed?.values?.url} errors={failed?.errors?.url} />
          <fieldset>
            <legend className="text-sm font-medium text-slate-700">{t("webhooks.events")}</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              {events.map((e) => (
                <label key={e} className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" name="events" value={e} defaultChecked={e === "post.created"} />
                  <code>{e}</code>
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" disabled={busy}>
            {t("webhooks.submit")}
          </Button>
        </Form>
      </Card>

      {hooks.length === 0 ? (
        <p className="mb-8 text-sm text-slate-600">{t("webhooks.empty")}</p>
      ) : (
        <DataTable caption={t("webhooks.listCaption")} columns={[t("webhooks.endpoint"), t("webhooks.events"), t("webhooks.state")]} actionsColumn={t("webhooks.disable")} className="mb-8">
          {hooks.map((h) => (
            <tr key={h.id}>
              <td className="px-4 py-3 break-all">{h.url}</td>
              <td className="px-4 py-3 text-xs">{h.events.join(", ")}</td>
              <td className="px-4 py-3">{h.active ? t("webhooks.active") : t("webhooks.disabled")}</td>
              <td className="px-4 py-3 text-right">
                {h.active ? (
                  <PostButton fields={{ intent: "disable", webhookId: h.id }} variant="secondary" size="sm" disabled={busy}>
                    {t("webhooks.disable")}
                  </PostButton>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}

      {log.length === 0 ? (
        <p className="text-sm text-slate-600">{t("webhooks.logEmpty")}</p>
      ) : (
        <DataTable caption={t("webhooks.logCaption")} columns={[t("webhooks.at"), t("webhooks.event"), t("webhooks.type"), t("webhooks.result")]} actionsColumn={t("webhooks.redeliver")}>
          {log.map((l) => (
            <tr key={l.id}>
              <td className="px-4 py-3 text-xs tabular-nums">{l.at}</td>
              <td className="px-4 py-3 tabular-nums">{l.eventId}</td>
              <td className="px-4 py-3">
                <code className="text-xs">{l.eventType}</code>
              </td>
              <td className="px-4 py-3 text-xs">{l.ok ? `${t("webhooks.ok")} (${l.status})` : `${t("webhooks.failed")}: ${l.error}`}</td>
              <td className="px-4 py-3 text-right">
                <PostButton fields={{ intent: "redeliver", webhookId: l.webhookId, eventId: l.eventId }} variant="secondary" size="sm" disabled={busy}>
                  {t("webhooks.redeliver")}
                </PostButton>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
