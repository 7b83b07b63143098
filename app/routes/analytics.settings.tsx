import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { changeAnalyticsSettings, SettingsInput, settingsForManager } from "~/analytics/settings.server";
import { Button, Card, Input, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

const FIELDS = [
  { name: "minGroupSize", min: 3, max: 50, label: "analytics.settings.k", hint: "analytics.settings.kHint" },
  { name: "minutesPerAnswer", min: 1, max: 480, label: "analytics.settings.minutes", hint: "analytics.settings.minutesHint" },
  { name: "answerTargetMinutes", min: 15, max: 10_080, label: "analytics.settings.target", hint: "analytics.settings.targetHint" },
] as const;

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "analytics.settings.title");

// HR analysts and admins set how engagement is measured; for anyone else the page does not exist (404).
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json({ settings: await settingsForManager(viewer) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  await settingsForManager(viewer); // 404 before the form is even read
  const parsed = await parseForm(request, SettingsInput, locale);
  if (!parsed.ok) return badRequest(parsed);
  const settings = await changeAnalyticsSettings(viewer, parsed.data);
  return json({ ok: true as const, settings });
}

export default function AnalyticsSettingsPage() {
  const { settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = result && !result.ok ? result : null;
  const current = result?.ok ? result.settings : settings;
  const value = (name: keyof typeof settings) => String(failed?.values?.[name] ?? current[name]);
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader
        title={t("analytics.settings.title")}
        description={t("analytics.settings.description")}
        actions={
          <Link to="/analytics" className="text-sm text-indigo-700 underline">
            {t("analytics.title")}
          </Link>
        }
      />
      {result?.ok ? <SuccessNotice className="mb-4">{t("analytics.settings.saved")}</SuccessNotice> : null}
      <Card className="p-5">
        <Form method="post" className="space-y-5" noValidate>
          {FIELDS.map((f) => (
            <Input
              key={`${f.name}-${value(f.name)}`}
              name={f.name}
              type="number"
              inputMode="numeric"
              min={f.min}
              max={f.max}
              required
              label={t(f.label)}
              hint={t(f.hint)}
              defaultValue={value(f.name)}
              errors={failed?.errors?.[f.name]}
            />
          ))}
          <Button type="submit" disabled={busy}>
            {t("analytics.settings.save")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
