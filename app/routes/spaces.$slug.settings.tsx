import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { Button, Card, FormError, Input, Select, SuccessNotice, Textarea } from "~/components/ui";
import { isSlug } from "~/spaces/space-options";
import { SpaceAccessFields } from "~/components/space-access-fields";
import { runSpaceSettingsIntent, spaceSettingsPage, SpaceSettingsIntentSchema } from "~/spaces/spaces-forms.server";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { pathParam } from "~/utils/path-params.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "spaces.settings.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json({ space: await spaceSettingsPage(viewer, pathParam(params, "slug", isSlug)) });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, SpaceSettingsIntentSchema, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await runSpaceSettingsIntent(viewer, pathParam(params, "slug", isSlug), parsed.data);
  if (!result.ok) {
    const values = Object.fromEntries([...parsed.form.entries()].map(([k, v]) => [k, String(v)]));
    return badRequest({ errors: { [result.field]: translate(locale, result.error, "vars" in result ? result.vars : undefined) }, values });
  }
  const notice: MessageKey =
    result.intent === "settings" ? "spaces.settings.saved" : result.intent === "approvals" ? "approvals.settings.saved" : "spaces.settings.memberAdded";
  return json({ ok: true as const, intent: result.intent, notice });
}

export default function SpaceSettingsPage() {
  const { space } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const addFormRef = useRef<HTMLFormElement>(null);

  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const failedIntent = failed?.values?.intent;
  const settingsErrors: Record<string, string> = failedIntent === "settings" ? failed!.errors : {};
  const addErrors: Record<string, string> = failedIntent === "addMember" ? failed!.errors : {};
  const approvalErrors: Record<string, string> = failedIntent === "approvals" ? failed!.errors : {};
  const values: Record<string, string> = failedIntent === "settings" ? failed!.values : {};

  useEffect(() => {
    if (done?.intent === "addMember") addFormRef.current?.reset();
  }, [done]);

  return (
    <div className="space-y-8">
      <div className="flex items-center justify-between gap-4">
        <h2 className="text-lg font-semibold text-slate-900">{t("spaces.settings.title")}</h2>
        <Link to={`/spaces/${space.slug}`} className="text-sm font-medium text-brand-700 hover:underline">
          {t("spaces.settings.back")}
        </Link>
      </div>
      <SuccessNotice>{done ? t(done.notice) : null}</SuccessNotice>

      <Card className="p-6">
        <h3 className="text-base font-semibold text-slate-900">{t("spaces.settings.general")}</h3>
        <p className="mt-1 text-sm text-slate-600">{t("spaces.settings.permissionsHint")}</p>
        <Form method="post" className="mt-4 space-y-4">
          <input type="hidden" name="intent" value="settings" />
          <FormError>{Object.keys(settingsErrors).length ? t("form.fixErrors") : null}</FormError>
          <Input label={t("spaces.form.name")} name="name" required maxLength={80} defaultValue={values.name ?? space.name} errors={settingsErrors.name} />
          <Textarea
            label={t("spaces.form.description")}
            name="description"
            maxLength={1000}
            defaultValue={values.description ?? space.description}
            errors={settingsErrors.description}
          />
          <SpaceAccessFields
            visibility={values.visibility ?? space.visibility}
            joinPolicy={values.joinPolicy ?? space.joinPolicy}
            departments={values.departments ?? space.allowedDepartments.join(", ")}
            errors={settingsErrors}
          />
          <Button type="submit" disabled={busy}>
            {t("spaces.settings.save")}
          </Button>
        </Form>
      </Card>

      <ApprovalSettingsCard settings={space.approvals} errors={approvalErrors} busy={busy} />

      <Card className="p-6">
        <h3 className="text-base font-semibold text-slate-900">{t("spaces.settings.addMember")}</h3>
        <Form method="post" ref={addFormRef} className="mt-4 flex flex-wrap items-start gap-4">
          <input type="hidden" name="intent" value="addMember" />
          <Input
            label={t("spaces.settings.email")}
            name="email"
            type="email"
            required
            autoComplete="off"
            className="min-w-64 flex-1"
            defaultValue={failedIntent === "addMember" ? failed?.values?.email : undefined}
            errors={addErrors.email}
          />
          <Select label={t("spaces.settings.role")} name="role" defaultValue="member" className="w-48" errors={addErrors.role}>
            <option value="member">{t("spaces.settings.roleMember")}</option>
            <option value="admin">{t("spaces.settings.roleAdmin")}</option>
          </Select>
          <Button type="submit" className="mt-7" disabled={busy}>
            {t("spaces.settings.addSubmit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

type ApprovalSettingsData = { tiers: number; seats: string[]; members: { id: string; name: string }[] };

/** Pre-approval: the number of tiers and, per member, a checkbox for each tier they approve. */
function ApprovalSettingsCard({ settings, errors, busy }: { settings: ApprovalSettingsData; errors: Record<string, string>; busy: boolean }) {
  const { t } = useT();
  const seats = new Set(settings.seats);
  const tiers = [1, 2, 3] as const;
  return (
    <Card className="p-6">
      <h3 className="text-base font-semibold text-slate-900">{t("approvals.settings.title")}</h3>
      <p className="mt-1 text-sm text-slate-600">{t("approvals.settings.hint")}</p>
      <Form method="post" className="mt-4 space-y-4">
        <input type="hidden" name="intent" value="approvals" />
        <FormError>{errors.seats ?? errors.tiers ?? (Object.keys(errors).length ? t("form.fixErrors") : null)}</FormError>
        <Select label={t("approvals.settings.tiers")} name="tiers" defaultValue={String(settings.tiers)} className="w-64">
          <option value="0">{t("approvals.settings.tiersNone")}</option>
          {tiers.map((n) => (
            <option key={n} value={n}>
              {t("approvals.settings.tierN", { count: n })}
            </option>
          ))}
        </Select>
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">{t("approvals.settings.approvers")}</legend>
          <table className="mt-2 text-sm">
            <thead>
              <tr>
                <th scope="col" className="pr-6 text-left font-medium text-slate-600">
                  {t("approvals.settings.member")}
                </th>
                {tiers.map((n) => (
                  <th key={n} scope="col" className="px-3 font-medium text-slate-600">
                    {t("approvals.settings.tierColumn", { tier: n })}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {settings.members.map((m) => (
                <tr key={m.id}>
                  <th scope="row" className="pr-6 text-left font-normal text-slate-900">
                    {m.name}
                  </th>
                  {tiers.map((n) => (
                    <td key={n} className="px-3 text-center">
                      <input
                        type="checkbox"
                        name="seat"
                        value={`${n}:${m.id}`}
                        defaultChecked={seats.has(`${n}:${m.id}`)}
                        aria-label={t("approvals.settings.seatLabel", { name: m.name, tier: n })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </fieldset>
        <Button type="submit" disabled={busy}>
          {t("approvals.settings.save")}
        </Button>
      </Form>
    </Card>
  );
}
