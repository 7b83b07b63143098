import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Button, Card, FormError, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { formatNumber, metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { recordsFailure } from "~/records/errors.server";
import { dryRunRetention, getRetention, setMinimumRetention, setRetention } from "~/records/retention.server";
import { recordSpaces } from "~/records/search.server";
import { badRequest, fieldErrors, formToObject } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "records.retention.title");

const days = z.coerce.number().int().min(1).max(36_500);
const Intent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("minimum"), days }),
  z.object({ intent: z.literal("default"), days }),
  z.object({ intent: z.literal("space"), spaceId: z.string().trim().min(1).max(64), days }),
  z.object({ intent: z.literal("dryrun") }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const [settings, spaces] = [await getRetention(viewer), await recordSpaces(viewer)];
  return json({ settings, spaces });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const raw = formToObject(await request.formData()) as Record<string, string>;
  const parsed = Intent.safeParse(raw);
  if (!parsed.success) return badRequest({ errors: fieldErrors(locale, parsed.error), values: raw });
  const p = parsed.data;
  try {
    if (p.intent === "dryrun") {
      const plan = await dryRunRetention(viewer);
      return json({ ok: true as const, intent: p.intent, plan: { ...plan, bytesText: formatNumber(locale, plan.bytes) } });
    }
    if (p.intent === "minimum") await setMinimumRetention(viewer, p.days);
    else await setRetention(viewer, { spaceId: p.intent === "space" ? p.spaceId : null, days: p.days });
  } catch (e) {
    return recordsFailure(locale, e, raw);
  }
  return json({ ok: true as const, intent: p.intent, plan: null });
}

export default function RetentionPage() {
  const { settings, spaces } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const failed = actionData && !actionData.ok ? actionData : null;
  const errorsFor = (intent: string) => (failed && failed.values.intent === intent ? failed.errors : {});
  const saved = (intent: string) => (actionData?.ok && actionData.intent === intent && !actionData.plan ? <SuccessNotice className="mt-2">{t("records.retention.saved")}</SuccessNotice> : null);
  return (
    <>
      <PageHeader title={t("records.retention.title")} description={t("records.retention.description")} />
      <ComplianceNav />
      <AuditNotice />
      <div className="mb-8 grid gap-6 lg:grid-cols-2">
        <Card className="p-6">
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="minimum" />
            <Input label={t("records.retention.minimum")} hint={t("records.retention.minimumHint")} name="days" type="number" min={1} required defaultValue={settings.minDays} errors={errorsFor("minimum").days} />
            <Button type="submit" disabled={busy}>
              {t("records.retention.save")}
            </Button>
          </Form>
          {saved("minimum")}
        </Card>
        <Card className="p-6">
          <Form method="post" className="flex flex-wrap items-end gap-3">
            <input type="hidden" name="intent" value="default" />
            <Input label={t("records.retention.default")} name="days" type="number" min={1} required defaultValue={settings.defaultDays} errors={errorsFor("default").days} id="default-days" />
            <Button type="submit" disabled={busy}>
              {t("records.retention.save")}
            </Button>
          </Form>
          {saved("default")}
        </Card>
      </div>
      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("records.retention.spaces")}</h2>
        <Form method="post" className="mt-4 flex flex-wrap items-end gap-3">
          <input type="hidden" name="intent" value="space" />
          <Select label={t("records.retention.space")} name="spaceId" required errors={errorsFor("space").spaceId}>
            {spaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Input label={t("records.retention.days")} name="days" type="number" min={1} required errors={errorsFor("space").days} id="space-days" />
          <Button type="submit" disabled={busy}>
            {t("records.retention.save")}
          </Button>
        </Form>
        {saved("space")}
        {failed?.formError ? <FormError className="mt-4">{failed.formError}</FormError> : null}
      </Card>
      {settings.spaces.length ? (
        <DataTable className="mb-8" caption={t("records.retention.spaces")} columns={[t("records.retention.space"), t("records.retention.days")]}>
          {settings.spaces.map((s) => (
            <tr key={s.spaceId}>
              <td className="px-4 py-3">{s.name}</td>
              <td className="px-4 py-3 tabular-nums">{s.days}</td>
            </tr>
          ))}
        </DataTable>
      ) : (
        <p className="mb-8 text-sm text-slate-600">{t("records.retention.none")}</p>
      )}
      <Card className="p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("records.retention.dryRun")}</h2>
        <p className="text-sm text-slate-600">{t("records.retention.dryRunHint")}</p>
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="dryrun" />
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("records.retention.dryRun")}
          </Button>
        </Form>
        <div role="status" className="mt-4 empty:hidden">
          {actionData?.ok && actionData.plan ? (
            <p className="text-sm text-slate-800">
              {t("records.retention.plan", { versions: actionData.plan.versions, items: actionData.plan.items, bytes: actionData.plan.bytesText, held: actionData.plan.held })}
            </p>
          ) : null}
        </div>
      </Card>
    </>
  );
}
