import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, PageHeader, Select } from "~/components/ui";
import { digestFrequency, setDigestFrequency } from "~/notifications/digest.server";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "digest.settings.title");

// Kept here, not imported from digest.server: the browser bundle evaluates this module.
const FREQUENCIES = ["off", "daily", "weekly"] as const;
const DigestForm = z.object({ digest: z.enum(FREQUENCIES) });

const LABEL: Record<(typeof FREQUENCIES)[number], MessageKey> = {
  off: "digest.settings.off",
  daily: "digest.settings.daily",
  weekly: "digest.settings.weekly",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const { user } = await requireViewer(request);
  return json({ digest: await digestFrequency(user.id) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, locale } = await requireViewer(request);
  const parsed = await parseForm(request, DigestForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  await setDigestFrequency(user.id, parsed.data.digest);
  return json({ ok: true as const });
}

export default function NotificationSettingsPage() {
  const { digest } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const error = result && !result.ok ? (result.errors.digest ?? result.errors._form) : null;

  return (
    <div className="mx-auto max-w-xl">
      <PageHeader title={t("digest.settings.title")} description={t("digest.settings.intro")} />
      <Card className="p-6">
        <Form method="post" className="space-y-4">
          <Select name="digest" label={t("digest.settings.frequency")} defaultValue={digest} errors={error} key={digest}>
            {FREQUENCIES.map((f) => (
              <option key={f} value={f}>
                {t(LABEL[f])}
              </option>
            ))}
          </Select>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={busy}>
              {t("digest.settings.save")}
            </Button>
            <p role="status" className="text-sm text-emerald-700">
              {result?.ok && !busy ? t("digest.settings.saved") : null}
            </p>
          </div>
        </Form>
      </Card>
    </div>
  );
}
