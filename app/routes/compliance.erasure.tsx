import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Time } from "~/components/time";
import { Button, Card, EmptyState, FormError, Input, PageHeader, SuccessNotice, Textarea } from "~/components/ui";
import { formatDateTime, metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { carryOutErasure, declineErasure, fileErasureRequest, listErasureRequests } from "~/records/erasure.server";
import { recordsFailure } from "~/records/errors.server";
import { badRequest, fieldErrors, formToObject } from "~/utils/forms.server";
import { isId } from "~/utils/ids";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "records.erasure.title");

const DAY: Intl.DateTimeFormatOptions = { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" };

const FileRequest = z.object({
  intent: z.literal("file"),
  email: z.string().trim().min(1).max(254).email("form.invalidEmail"),
  reason: z.string().trim().max(2000).default(""),
});
const CarryOut = z.object({ intent: z.literal("carry-out"), id: z.string().refine(isId) });
const Decline = z.object({ intent: z.literal("decline"), id: z.string().refine(isId), note: z.string().trim().min(1).max(500) });
const Intent = z.discriminatedUnion("intent", [FileRequest, CarryOut, Decline]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const requests = await listErasureRequests(viewer);
  // "until" dates go inside translated sentences: formatted here, in the viewer's language
  const withDates = <T extends { retention: Array<{ until: string }> }>(k: T) => ({
    ...k,
    retention: k.retention.map((g) => ({ ...g, untilText: formatDateTime(locale, g.until, DAY) })),
  });
  return json({
    requests: requests.map((r) => ({
      ...r,
      plan: r.plan ? { ...r.plan, kept: withDates(r.plan.kept) } : null,
      outcome: r.outcome ? { ...r.outcome, kept: withDates(r.outcome.kept) } : null,
    })),
  });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const raw = formToObject(await request.formData());
  const values = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : v]));
  // the policy first: to anyone who may not file or decide requests the page does not exist, bad input or not
  authorizeOrg(viewer, "erase_person");
  const parsed = Intent.safeParse(raw);
  if (!parsed.success) return badRequest({ errors: fieldErrors(locale, parsed.error), values });
  const p = parsed.data;
  try {
    if (p.intent === "file") {
      await fileErasureRequest(viewer, { email: p.email, reason: p.reason });
      return json({ ok: true as const, done: "filed" as const, pseudonym: null });
    }
    if (p.intent === "decline") {
      await declineErasure(viewer, p.id, p.note);
      return json({ ok: true as const, done: "declined" as const, pseudonym: null });
    }
    const outcome = await carryOutErasure(viewer, p.id);
    return json({ ok: true as const, done: "carriedOut" as const, pseudonym: outcome.pseudonym });
  } catch (e) {
    return recordsFailure(locale, e, values);
  }
}

type Kept = {
  holds: Array<{ id: string; matter: string; versions: number }>;
  retention: Array<{ spaceId: string | null; spaceName: string | null; days: number; versions: number; untilText: string }>;
  inUse: number;
};

function KeptList({ kept }: { kept: Kept }) {
  const { t } = useT();
  const lines = [
    ...kept.holds.map((h) => t("records.erasure.keptHold", { versions: h.versions, matter: h.matter })),
    ...kept.retention.map((g) =>
      t("records.erasure.keptRetention", {
        versions: g.versions,
        days: g.days,
        policy: g.spaceId ? t("records.erasure.keptSpace", { space: g.spaceName ?? g.spaceId }) : t("records.erasure.keptDefault"),
        until: g.untilText,
      }),
    ),
    ...(kept.inUse ? [t("records.erasure.keptInUse", { count: kept.inUse })] : []),
  ];
  if (!lines.length) return <p className="text-slate-600">{t("records.erasure.keptNothing")}</p>;
  return (
    <ul className="list-disc space-y-0.5 pl-4 text-slate-700" data-testid="erasure-kept">
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

export default function ErasurePage() {
  const { requests } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const errors: Record<string, string | undefined> = actionData && !actionData.ok ? actionData.errors : {};
  const values: Record<string, string | undefined> = actionData && !actionData.ok ? actionData.values : {};
  return (
    <>
      <PageHeader title={t("records.erasure.title")} description={t("records.erasure.description")} />
      <ComplianceNav />
      <AuditNotice />
      <Card className="mb-8 p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("records.erasure.new")}</h2>
        <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2">
          <input type="hidden" name="intent" value="file" />
          <Input label={t("records.erasure.email")} name="email" type="email" required maxLength={254} defaultValue={values.email} errors={errors.email} />
          <Textarea label={t("records.erasure.reason")} name="reason" maxLength={2000} hint={t("records.erasure.reasonHint")} defaultValue={values.reason} errors={errors.reason} />
          <div className="sm:col-span-2">
            <Button type="submit" disabled={busy}>
              {t("records.erasure.submit")}
            </Button>
          </div>
        </Form>
        <div role="status" className="mt-4 empty:hidden">
          {actionData?.ok ? (
            <SuccessNotice>
              {actionData.done === "carriedOut"
                ? t("records.erasure.carriedOut", { pseudonym: actionData.pseudonym ?? "" })
                : t(actionData.done === "filed" ? "records.erasure.filed" : "records.erasure.declined")}
            </SuccessNotice>
          ) : null}
        </div>
        {errors._form ? <FormError className="mt-4">{errors._form}</FormError> : null}
      </Card>

      {requests.length === 0 ? (
        <EmptyState title={t("records.erasure.empty")} description={t("records.erasure.description")} />
      ) : (
        <DataTable caption={t("records.erasure.caption")} columns={[t("records.erasure.person"), t("records.erasure.requested"), t("records.erasure.statusCol"), t("records.erasure.outcomeCol")]}>
          {requests.map((r) => (
            <tr key={r.id} className="align-top" data-testid="erasure-row">
              <td className="px-4 py-3">
                <span className="font-medium text-slate-900">{r.person}</span>
                {r.reason ? <span className="block text-xs text-slate-500">{r.reason}</span> : null}
              </td>
              <td className="px-4 py-3 text-slate-600">
                {r.requestedBy}, <Time value={r.requestedAt} />
              </td>
              <td className="px-4 py-3">
                <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-800">{t(`records.erasure.status.${r.status}`)}</span>
                {r.decidedAt ? (
                  <span className="mt-1 block text-xs text-slate-500">
                    {r.decidedBy ?? ""}, <Time value={r.decidedAt} />
                  </span>
                ) : null}
                {r.decisionNote ? <span className="block text-xs text-slate-500">{r.decisionNote}</span> : null}
              </td>
              <td className="space-y-2 px-4 py-3 text-sm">
                {r.plan ? (
                  <>
                    <p className="text-slate-800">{t("records.erasure.willErase", { count: r.plan.erasable })}</p>
                    <KeptList kept={r.plan.kept} />
                    <div className="flex flex-wrap items-end gap-3 pt-1">
                      <Form method="post">
                        <input type="hidden" name="intent" value="carry-out" />
                        <input type="hidden" name="id" value={r.id} />
                        <Button type="submit" disabled={busy} aria-label={t("records.erasure.carryOutLabel", { person: r.person })}>
                          {t("records.erasure.carryOut")}
                        </Button>
                      </Form>
                      <Form method="post" className="flex flex-wrap items-end gap-2">
                        <input type="hidden" name="intent" value="decline" />
                        <input type="hidden" name="id" value={r.id} />
                        <Input label={t("records.erasure.note")} name="note" required maxLength={500} id={`note-${r.id}`} />
                        <Button type="submit" variant="secondary" disabled={busy} aria-label={t("records.erasure.declineLabel", { person: r.person })}>
                          {t("records.erasure.decline")}
                        </Button>
                      </Form>
                    </div>
                  </>
                ) : null}
                {r.outcome ? (
                  <>
                    <p className="text-slate-800">{t("records.erasure.erased", { count: r.outcome.erased })}</p>
                    <KeptList kept={r.outcome.kept} />
                    {r.keptIdentity ? <p className="text-xs text-slate-500">{t("records.erasure.keptIdentity", r.keptIdentity)}</p> : null}
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
