import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { richTextClasses } from "~/components/post-card";
import { Time } from "~/components/time";
import { Button, buttonClasses, Card, EmptyState, FormError, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { acknowledgeUsagePolicy, UsagePolicyConflict, usagePolicyForViewer } from "~/supervision/usage-policy.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { oneByteHtml } from "~/utils/one-byte-html";

// The person's page: the current usage policy and "I have read and accept" (the gate on
// every content write sends people here).

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "usagePolicy.title");

const AcceptForm = z.object({ intent: z.literal("accept"), version: z.coerce.number().int().min(1).max(1_000_000) });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await usagePolicyForViewer(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, AcceptForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  try {
    const r = await acknowledgeUsagePolicy(viewer, parsed.data.version);
    return json({ ok: true as const, version: r.version });
  } catch (e) {
    if (!(e instanceof UsagePolicyConflict)) throw e;
    const message = translate(locale, e.code === "none" ? "usagePolicy.error.none" : "usagePolicy.error.stale");
    return badRequest({ errors: { _form: message }, formError: message, values: {} }, 409);
  }
}

export default function UsagePolicyPage() {
  const { policy, acknowledged, current } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = result && !result.ok ? result : null;
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t("usagePolicy.title")} description={t("usagePolicy.description")} />
      <SuccessNotice className="mb-4">{result?.ok ? t("usagePolicy.acceptedNotice", { version: result.version }) : null}</SuccessNotice>
      {!policy ? (
        <EmptyState title={t("usagePolicy.none")} />
      ) : (
        <Card className="p-6">
          {!current ? (
            <p role="note" className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              {acknowledged ? t("usagePolicy.newVersion", { version: acknowledged.version }) : t("usagePolicy.mustAccept")}
            </p>
          ) : null}
          <h2 className="text-xl font-semibold text-slate-900">{policy.title}</h2>
          <p className="mt-1 text-sm text-slate-600">
            {t("usagePolicy.versionBy", { version: policy.version, name: policy.publishedBy })} · <Time value={policy.publishedAt} style="date" />
          </p>
          <div className={`${richTextClasses} mt-4`} dangerouslySetInnerHTML={{ __html: oneByteHtml(policy.html) }} />
          <div className="mt-6 border-t border-slate-200 pt-4">
            {current && acknowledged ? (
              <p className="text-sm text-slate-700">
                {t("usagePolicy.acceptedOn", { version: acknowledged.version })} · <Time value={acknowledged.at} style="date" />
              </p>
            ) : (
              <Form method="post" className="space-y-3">
                <FormError>{failed?.formError}</FormError>
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="version" value={policy.version} />
                <Button type="submit" disabled={busy}>
                  {t("usagePolicy.accept")}
                </Button>
              </Form>
            )}
            <p className="mt-4">
              <Link to="/" className={buttonClasses({ variant: "ghost", size: "sm" })}>
                {t("usagePolicy.backToFeed")}
              </Link>
            </p>
          </div>
        </Card>
      )}
    </div>
  );
}
