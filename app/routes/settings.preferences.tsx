import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { Button, Card, PageHeader, Select } from "~/components/ui";
import { preferencesOf, savePreferences } from "~/identity/preferences.server";
import { requireViewer } from "~/identity/request.server";
import { metaTitle, useT } from "~/i18n";
import { isTimeZone } from "~/i18n/time";
import { safeRedirect } from "~/utils/safe-redirect";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "prefs.title");

const locale = z.enum(["en", "fr"]);
const PrefsAction = z.discriminatedUnion("intent", [
  // the user menu's switch: save the language, back to the page it was used on
  z.object({ intent: z.literal("language"), locale, redirectTo: z.string().max(500).optional() }),
  z.object({
    intent: z.literal("save"),
    locale,
    // "" = follow the browser
    timeZone: z.string().max(64).refine((tz) => tz === "" || isTimeZone(tz), "prefs.badZone"),
  }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { user, locale } = await requireViewer(request);
  const prefs = await preferencesOf(user.id);
  return json({ locale, timeZone: prefs.timeZone ?? "", zones: Intl.supportedValuesOf("timeZone") });
}

export async function action({ request }: ActionFunctionArgs) {
  const { user, locale: current } = await requireViewer(request);
  const parsed = await parseForm(request, PrefsAction, current);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "language") {
    await savePreferences(user.id, { locale: input.locale });
    return redirect(safeRedirect(input.redirectTo, "/"));
  }
  await savePreferences(user.id, { locale: input.locale, timeZone: input.timeZone || null });
  return json({ ok: true as const });
}

export default function PreferencesPage() {
  const data = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const [browserZone, setBrowserZone] = useState("UTC");
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"), []);
  const error = result && !result.ok ? (result.errors.timeZone ?? result.errors._form) : null;
  return (
    <div className="mx-auto max-w-xl">
      <PageHeader title={t("prefs.title")} description={t("prefs.intro")} />
      <Card className="p-6">
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="save" />
          <Select name="locale" label={t("prefs.language")} defaultValue={data.locale} key={`l-${data.locale}`}>
            <option value="en" lang="en">
              English
            </option>
            <option value="fr" lang="fr">
              Français
            </option>
          </Select>
          <Select name="timeZone" label={t("prefs.timeZone")} defaultValue={data.timeZone} errors={error} key={`z-${data.timeZone}`}>
            <option value="">{t("prefs.browserZone", { zone: browserZone })}</option>
            {data.zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={busy}>
              {t("prefs.save")}
            </Button>
            <p role="status" className="text-sm text-emerald-700">
              {result?.ok && !busy ? t("prefs.saved") : null}
            </p>
          </div>
        </Form>
      </Card>
    </div>
  );
}
