import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Composer } from "~/components/composer";
import { Time } from "~/components/time";
import { Card, Input, PageHeader } from "~/components/ui";
import { inputErrorResponse } from "~/content/composer.server";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { publishUsagePolicy, UsagePolicyTitle, usagePolicyVersions } from "~/supervision/usage-policy.server";
import { badRequest, parseForm } from "~/utils/forms.server";

// Org admins publish the social-media usage policy, one version at a time (404 to anyone else).

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "usagePolicy.admin.title");

const PublishForm = z.object({
  intent: z.literal("publish"),
  formId: z.string().max(64).optional(),
  title: UsagePolicyTitle,
  body: z.string().max(1_000_000).optional(),
  bodyText: z.string().max(60_000).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  authorizeOrg(viewer, "manage_usage_policy");
  return json(await usagePolicyVersions(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "manage_usage_policy");
  const parsed = await parseForm(request, PublishForm, locale);
  if (!parsed.ok) {
    const formError = parsed.errors.title ? `${translate(locale, "usagePolicy.admin.titleField")}: ${parsed.errors.title}` : undefined;
    return badRequest({ ...parsed, formError });
  }
  const { intent: _intent, ...fields } = parsed.data;
  try {
    const { version } = await publishUsagePolicy(viewer, fields);
    return json({ ok: true as const, version });
  } catch (error) {
    return inputErrorResponse(error, locale, { title: fields.title, body: fields.body ?? "", bodyText: fields.bodyText ?? "", formId: fields.formId ?? "" });
  }
}

export default function UsagePolicyAdminPage() {
  const { policy, versions } = useLoaderData<typeof loader>();
  const { t } = useT();
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t("usagePolicy.admin.title")} description={t("usagePolicy.admin.description")} />
      <div className="space-y-8">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-slate-900">{t("usagePolicy.admin.versions")}</h2>
          {versions.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">{t("usagePolicy.admin.noneYet")}</p>
          ) : (
            <ul className="mt-2 space-y-1 text-sm text-slate-700" id="usage-policy-versions">
              {versions.map((v) => (
                <li key={v.version}>
                  {t("usagePolicy.admin.versionLine", { version: v.version, title: v.title })} · <Time value={v.publishedAt} style="date" /> ·{" "}
                  {t("usagePolicy.admin.acks", { count: v.acks })}
                  {policy && v.version === policy.version ? <span className="ml-2 font-medium text-brand-700">({t("usagePolicy.admin.current")})</span> : null}
                </li>
              ))}
            </ul>
          )}
          {policy ? (
            <p className="mt-3">
              <Link to="/policy" className="text-sm font-medium text-brand-700 hover:underline">
                {t("usagePolicy.readLink")}
              </Link>
            </p>
          ) : null}
        </Card>
        <Card className="p-6">
          <h2 className="mb-4 text-base font-semibold text-slate-900">{t("usagePolicy.admin.new")}</h2>
          <Composer
            action="/admin/usage-policy"
            intent="publish"
            formId="usage-policy"
            label={t("usagePolicy.admin.body")}
            submitLabel={t("usagePolicy.admin.publish")}
            pendingLabel={t("usagePolicy.admin.publishing")}
            extraFields={<Input label={t("usagePolicy.admin.titleField")} name="title" required maxLength={200} defaultValue={policy?.title ?? ""} />}
          />
        </Card>
      </div>
    </div>
  );
}
