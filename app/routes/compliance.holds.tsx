import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Button, Card, EmptyState, FormError, Input, PageHeader, SuccessNotice, Textarea } from "~/components/ui";
import { Time, useWhen } from "~/components/time";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { recordsFailure } from "~/records/errors.server";
import { createHold, listHolds, releaseHold } from "~/records/holds.server";
import { custodianId, recordSpaces } from "~/records/search.server";
import { calendarDay } from "~/utils/calendar-day";
import { badRequest, fieldErrors, formToObject } from "~/utils/forms.server";
import { isId } from "~/utils/ids";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "records.holds.title");

const DAY_MS = 86_400_000;
const day = z.union([z.literal(""), calendarDay]).default("");

const CreateHold = z
  .object({
    intent: z.literal("create"),
    matter: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2000).default(""),
    custodians: z.string().max(5000).default(""),
    spaces: z.union([z.string(), z.array(z.string())]).default([]).transform((v) => (Array.isArray(v) ? v : [v]).filter(Boolean)),
    from: day,
    to: day,
  })
  .refine((p) => !p.from || !p.to || p.from <= p.to, { path: ["to"], message: "records.error.holdRange" });
const ReleaseHold = z.object({ intent: z.literal("release"), id: z.string().refine(isId), reason: z.string().trim().min(1).max(500) });
const Filter = z.object({ custodian: z.union([z.literal(""), z.string().trim().max(254).email()]).default("") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const spaces = await recordSpaces(viewer);
  const filter = Filter.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const email = filter.success ? filter.data.custodian : "";
  let custodian: string | null = null;
  if (email) {
    try {
      custodian = await custodianId(viewer, email);
    } catch (e) {
      recordsFailure(locale, e, {});
      custodian = "none";
    }
  }
  const holds = await listHolds(viewer, { custodianId: custodian });
  return json({
    spaces,
    filter: email,
    // the end day is stored exclusive, shown inclusive
    holds: holds.map((h) => ({ ...h, lastDay: h.to ? new Date(Date.parse(h.to) - DAY_MS).toISOString() : null })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const raw = formToObject(await request.formData());
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
  if (raw.intent === "release") {
    const parsed = ReleaseHold.safeParse(raw);
    if (!parsed.success) return badRequest({ errors: fieldErrors(locale, parsed.error), values });
    try {
      await releaseHold(viewer, parsed.data.id, parsed.data.reason);
    } catch (e) {
      return recordsFailure(locale, e, values);
    }
    return json({ ok: true as const, done: "released" as const });
  }
  const parsed = CreateHold.safeParse(raw);
  if (!parsed.success) return badRequest({ errors: fieldErrors(locale, parsed.error), values });
  const p = parsed.data;
  try {
    await createHold(viewer, {
      matter: p.matter,
      description: p.description,
      custodianEmails: p.custodians.split(/[\s,;]+/).filter(Boolean),
      spaceIds: p.spaces,
      from: p.from ? new Date(`${p.from}T00:00:00Z`) : null,
      to: p.to ? new Date(Date.parse(`${p.to}T00:00:00Z`) + DAY_MS) : null,
    });
  } catch (e) {
    return recordsFailure(locale, e, values);
  }
  return json({ ok: true as const, done: "created" as const });
}

export default function HoldsPage() {
  const { spaces, holds, filter } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const when = useWhen();
  const busy = useNavigation().state === "submitting";
  const errors = actionData && !actionData.ok ? actionData.errors : {};
  const values = actionData && !actionData.ok ? actionData.values : {};
  return (
    <>
      <PageHeader title={t("records.holds.title")} description={t("records.holds.description")} />
      <ComplianceNav />
      <AuditNotice />
      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("records.holds.new")}</h2>
        <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="create" />
          <Input label={t("records.holds.matter")} name="matter" required maxLength={200} defaultValue={values.matter} errors={errors.matter} />
          <Input label={t("records.holds.descriptionField")} name="description" maxLength={2000} defaultValue={values.description} errors={errors.description} />
          <Textarea label={t("records.holds.custodians")} name="custodians" hint={t("records.holds.custodiansHint")} defaultValue={values.custodians} errors={errors.custodians} />
          <fieldset className="space-y-1.5">
            <legend className="text-sm font-medium text-slate-800">{t("records.holds.spaces")}</legend>
            <div className="max-h-32 space-y-1 overflow-y-auto rounded-lg border border-slate-200 p-2">
              {spaces.map((s) => (
                <label key={s.id} className="flex items-center gap-2 text-sm text-slate-800">
                  <input type="checkbox" name="spaces" value={s.id} className="size-4 rounded border-slate-300" />
                  {s.name}
                </label>
              ))}
            </div>
            {errors.spaces ? <p className="text-sm text-red-700">{errors.spaces}</p> : null}
          </fieldset>
          <Input label={t("records.holds.from")} name="from" type="date" defaultValue={values.from} errors={errors.from} />
          <Input label={t("records.holds.to")} name="to" type="date" defaultValue={values.to} errors={errors.to} />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={busy}>
              {t("records.holds.submit")}
            </Button>
          </div>
        </Form>
        <div role="status" className="mt-4 empty:hidden">
          {actionData?.ok ? <SuccessNotice>{t(actionData.done === "created" ? "records.holds.created" : "records.holds.released")}</SuccessNotice> : null}
        </div>
        {errors._form ? <FormError className="mt-4">{errors._form}</FormError> : null}
      </Card>

      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3">
        <Input label={t("records.holds.filter")} name="custodian" type="email" defaultValue={filter} />
        <Button type="submit" variant="secondary">
          {t("records.holds.filterSubmit")}
        </Button>
      </Form>
      {holds.length === 0 ? (
        <EmptyState title={t("records.holds.empty")} description={t("records.holds.description")} />
      ) : (
        <DataTable
          caption={t("records.holds.caption")}
          columns={[t("records.holds.matter"), t("records.holds.custodians"), t("records.holds.spaces"), t("records.holds.dates"), t("records.holds.covers"), t("records.holds.status")]}
        >
          {holds.map((h) => (
            <tr key={h.id} className="align-top" data-testid="hold-row">
              <td className="px-4 py-3">
                <span className="font-medium text-slate-900">{h.matter}</span>
                {h.description ? <span className="block text-xs text-slate-500">{h.description}</span> : null}
              </td>
              <td className="px-4 py-3 text-slate-700">{h.custodians.map((c) => c.name).join(", ")}</td>
              <td className="px-4 py-3 text-slate-700">{h.spaces.map((s) => s.name).join(", ")}</td>
              <td className="px-4 py-3 whitespace-nowrap text-slate-600">
                {h.from || h.lastDay ? (
                  <>
                    {h.from ? <Time value={h.from} style="day" /> : "…"} – {h.lastDay ? <Time value={h.lastDay} style="day" /> : "…"}
                  </>
                ) : (
                  t("records.holds.anyDate")
                )}
              </td>
              <td className="px-4 py-3 text-slate-700 tabular-nums">{t("records.holds.coverage", { versions: h.versions, items: h.items })}</td>
              <td className="px-4 py-3">
                {h.releasedAt ? (
                  <span className="text-slate-600">{t("records.holds.releasedOn", { when: when(h.releasedAt, "date"), reason: h.releaseReason ?? "" })}</span>
                ) : (
                  <Form method="post" className="flex flex-wrap items-end gap-2">
                    <input type="hidden" name="intent" value="release" />
                    <input type="hidden" name="id" value={h.id} />
                    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-800">{t("records.holds.active")}</span>
                    <Input label={t("records.holds.releaseReason")} name="reason" required maxLength={500} id={`reason-${h.id}`} />
                    <Button type="submit" variant="secondary" aria-label={t("records.holds.releaseLabel", { matter: h.matter })}>
                      {t("records.holds.release")}
                    </Button>
                  </Form>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
