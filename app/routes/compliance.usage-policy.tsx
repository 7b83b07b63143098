import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { AuditNotice, ComplianceNav } from "~/components/compliance-nav";
import { DataTable } from "~/components/data-table";
import { Time } from "~/components/time";
import { Button, Card, FormError, PageHeader, SuccessNotice } from "~/components/ui";
import { requireComplianceViewer } from "~/compliance/review.server";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { acknowledgementReport, remindUnacknowledged, UsagePolicyConflict } from "~/supervision/usage-policy.server";
import { badRequest, parseForm } from "~/utils/forms.server";

// Compliance: who accepted which version of the usage policy and when, who has not; reminders.

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "usagePolicy.compliance.title");

const RemindForm = z.object({ intent: z.literal("remind"), userId: z.string().trim().max(64).regex(/^[A-Za-z0-9_-]*$/).default("") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  requireComplianceViewer(viewer);
  return json(await acknowledgementReport(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireComplianceViewer(viewer);
  const parsed = await parseForm(request, RemindForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  try {
    const { count } = await remindUnacknowledged(viewer, { userId: parsed.data.userId || null });
    return json({ ok: true as const, count });
  } catch (e) {
    if (!(e instanceof UsagePolicyConflict)) throw e;
    const message = translate(locale, e.code === "none" ? "usagePolicy.error.none" : "usagePolicy.error.acknowledged");
    return badRequest({ errors: { _form: message }, formError: message, values: {} }, 409);
  }
}

export default function UsagePolicyCompliancePage() {
  const { policy, versions, people, acknowledged, pending, truncated } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  return (
    <>
      <PageHeader title={t("usagePolicy.compliance.title")} description={t("usagePolicy.compliance.description")} />
      <ComplianceNav />
      <AuditNotice />
      <SuccessNotice className="mb-4">{result?.ok ? t("usagePolicy.compliance.reminded", { count: result.count }) : null}</SuccessNotice>
      <FormError className="mb-4">{result && !result.ok ? result.formError : null}</FormError>
      {!policy ? (
        <Card className="p-6">
          <p className="text-sm text-slate-600">{t("usagePolicy.none")}</p>
        </Card>
      ) : (
        <div className="space-y-6">
          <Card className="p-6">
            <p className="text-base font-medium text-slate-900" id="usage-summary">
              {t("usagePolicy.compliance.summary", { version: policy.version, acknowledged, pending })}
            </p>
            <ul className="mt-2 space-y-1 text-sm text-slate-600">
              {versions.map((v) => (
                <li key={v.version}>
                  {t("usagePolicy.admin.versionLine", { version: v.version, title: v.title })} · <Time value={v.publishedAt} style="date" /> ·{" "}
                  {t("usagePolicy.admin.acks", { count: v.acks })}
                </li>
              ))}
            </ul>
            {pending > 0 ? (
              <Form method="post" className="mt-4">
                <input type="hidden" name="intent" value="remind" />
                <Button type="submit" disabled={busy}>
                  {t("usagePolicy.compliance.remindAll")}
                </Button>
              </Form>
            ) : null}
          </Card>
          <DataTable
            caption={t("usagePolicy.compliance.people")}
            columns={[t("usagePolicy.compliance.col.person"), t("usagePolicy.compliance.col.department"), t("usagePolicy.compliance.col.status"), t("usagePolicy.compliance.col.reminded")]}
            actionsColumn={t("usagePolicy.compliance.remind")}
            note={truncated ? t("usagePolicy.compliance.truncated") : null}
          >
            {people.map((p) => (
              <tr key={p.id} className="border-b border-slate-100 last:border-0" data-person={p.email}>
                <td className="px-4 py-2">
                  <span className="font-medium text-slate-900">{p.name}</span>
                  <span className="block text-xs text-slate-500">{p.email}</span>
                </td>
                <td className="px-4 py-2 text-slate-700">{p.department}</td>
                <td className="px-4 py-2 text-slate-700">
                  {p.current ? t("usagePolicy.compliance.status.current", { version: p.version ?? 0 }) : p.version ? t("usagePolicy.compliance.status.old", { version: p.version }) : t("usagePolicy.compliance.status.never")}
                  {p.at ? (
                    <span className="block text-xs text-slate-500">
                      <Time value={p.at} style="datetime" />
                    </span>
                  ) : null}
                </td>
                <td className="px-4 py-2 text-slate-700">{p.remindedAt ? <Time value={p.remindedAt} /> : t("usagePolicy.compliance.never")}</td>
                <td className="px-4 py-2 text-right">
                  {!p.current ? (
                    <Form method="post">
                      <input type="hidden" name="intent" value="remind" />
                      <input type="hidden" name="userId" value={p.id} />
                      <Button type="submit" size="sm" variant="secondary" disabled={busy} aria-label={t("usagePolicy.compliance.remindOne", { name: p.name })}>
                        {t("usagePolicy.compliance.remind")}
                      </Button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
    </>
  );
}
