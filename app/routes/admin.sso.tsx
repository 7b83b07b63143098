import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import type { ReactNode } from "react";
import { Time } from "~/components/time";
import { Button, Card, FormError, Input, PageHeader, Select, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { saveSsoSettings, SsoSettingsInput, ssoSettingsPage } from "~/identity/sso-settings.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "sso.title");

// Admin → Single sign-on: the OpenID Connect provider, who may sign in, and the claim mapping.
// Anyone but an org admin gets 404. Environment variables win field by field and show as such.
export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await ssoSettingsPage(viewer));
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "manage_sso"); // 404 before reading the form
  const parsed = await parseForm(request, SsoSettingsInput, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await saveSsoSettings(viewer, parsed.data);
  if (!result.ok) {
    const errors = Object.fromEntries(Object.entries(result.errors).map(([k, key]) => [k, translate(locale, key!)]));
    const values = Object.fromEntries([...parsed.form.entries()].filter(([k, v]) => k !== "clientSecret" && typeof v === "string")) as Record<string, string>;
    return badRequest({ errors, values });
  }
  return json({ ok: true as const });
}

export default function SsoSettingsPage() {
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = result && !result.ok ? result : null;
  const f = page.fields;
  // after a refused save, the form shows what was sent; otherwise what is stored
  const text = (name: keyof typeof f) => (failed ? (failed.values?.[name] ?? "") : Array.isArray(f[name].value) ? (f[name].value as string[]).join(", ") : String(f[name].value ?? ""));
  const checked = (name: keyof typeof f) => (failed ? failed.values?.[name] === "on" : f[name].value === true);
  const mapped = (name: "departmentClaim" | "titleClaim" | "managerClaim", flag: string) => (failed ? failed.values?.[flag] === "on" : f[name].value !== null);
  const envNote = (name: keyof typeof f) => (f[name].source === "env" ? t("sso.fromEnv", { name: f[name].envName }) : undefined);
  const err = (name: string) => failed?.errors?.[name];
  // a field the environment sets is shown, not edited
  const fixed = (name: keyof typeof f, label: ReactNode) => (
    <div className="space-y-1">
      <p className="text-sm font-medium text-slate-800">{label}</p>
      <p className="text-sm text-slate-900">
        {typeof f[name].value === "boolean" ? (f[name].value ? t("sso.yes") : t("sso.no")) : text(name) || t("sso.notMapped")}
      </p>
      <p className="text-xs text-slate-500">{envNote(name)}</p>
    </div>
  );
  const textField = (name: keyof typeof f, label: string, props: { hint?: string; type?: string; maxLength: number }) =>
    f[name].source === "env" ? (
      fixed(name, label)
    ) : (
      <Input key={`${name}-${text(name)}`} name={name} label={label} hint={props.hint} type={props.type ?? "text"} maxLength={props.maxLength} defaultValue={text(name)} errors={err(name)} autoComplete="off" />
    );
  const checkField = (name: "jit" | "requireSso", label: string) =>
    f[name].source === "env" ? (
      fixed(name, label)
    ) : (
      <div>
        <label className="flex items-start gap-2 text-sm text-slate-800">
          <input type="checkbox" name={name} defaultChecked={checked(name)} className="mt-0.5 size-4 rounded border-slate-300" />
          <span>{label}</span>
        </label>
        {err(name) ? <p className="mt-1 text-sm text-red-700">{err(name)}</p> : null}
      </div>
    );
  const mapping = (flag: "mapDepartment" | "mapTitle" | "mapManager", name: "departmentClaim" | "titleClaim" | "managerClaim", label: string) =>
    f[name].source === "env" ? (
      fixed(name, label)
    ) : (
      <fieldset className="space-y-2">
        <legend className="sr-only">{label}</legend>
        <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
          <input type="checkbox" name={flag} defaultChecked={mapped(name, flag)} className="size-4 rounded border-slate-300" />
          <span>{label}</span>
        </label>
        <Input key={`${name}-${text(name)}`} name={name} label={`${label} — ${t("sso.claimName")}`} maxLength={200} defaultValue={text(name)} errors={err(name)} autoComplete="off" />
      </fieldset>
    );
  const secretHint = page.secret.unreadable ? t("sso.secretUnreadable") : page.secret.stored && page.secret.setAt ? null : t("sso.secretNone");
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("sso.title")} description={t("sso.description")} />
      {result?.ok ? <SuccessNotice className="mb-4">{t("sso.saved")}</SuccessNotice> : null}
      <Card className="mb-4 space-y-2 p-5 text-sm text-slate-700">
        <p>{page.enabled ? t("sso.status.on") : t("sso.status.off")}</p>
        {page.servesThisOrg ? null : <p className="text-amber-800">{t("sso.otherOrg")}</p>}
        <p className="break-all">{t("sso.redirectUri", { uri: page.redirectUri })}</p>
      </Card>
      <Card className="p-5">
        <Form method="post" className="space-y-8" noValidate>
          <FormError>{failed ? Object.values(failed.errors).join(" ") : null}</FormError>
          <section className="space-y-4" aria-labelledby="sso-provider">
            <h2 id="sso-provider" className="text-base font-semibold text-slate-900">
              {t("sso.provider")}
            </h2>
            {textField("issuer", t("sso.issuer"), { hint: t("sso.issuerHint"), type: "url", maxLength: 500 })}
            {textField("clientId", t("sso.clientId"), { maxLength: 200 })}
            {page.secret.source === "env" ? (
              <div className="space-y-1">
                <p className="text-sm font-medium text-slate-800">{t("sso.clientSecret")}</p>
                <p className="text-xs text-slate-500">{t("sso.fromEnv", { name: page.secret.envName })}</p>
              </div>
            ) : (
              <>
                <Input
                  // a fresh, empty field after every save: what was typed is not kept in the page either
                  key={`secret-${page.updatedAt ?? "none"}`}
                  name="clientSecret"
                  type="password"
                  label={t("sso.clientSecret")}
                  maxLength={500}
                  autoComplete="new-password"
                  errors={err("clientSecret")}
                  hint={
                    secretHint ?? (
                      <>
                        {t("sso.secretStored")} <Time value={page.secret.setAt!} />
                      </>
                    )
                  }
                />
                {page.secret.stored ? (
                  <label className="flex items-center gap-2 text-sm text-slate-800">
                    <input type="checkbox" name="clearSecret" className="size-4 rounded border-slate-300" />
                    <span>{t("sso.clearSecret")}</span>
                  </label>
                ) : null}
              </>
            )}
          </section>
          <section className="space-y-4" aria-labelledby="sso-access">
            <h2 id="sso-access" className="text-base font-semibold text-slate-900">
              {t("sso.access")}
            </h2>
            {textField("emailDomains", t("sso.emailDomains"), { hint: t("sso.emailDomainsHint"), maxLength: 2000 })}
            {checkField("jit", t("sso.jit"))}
            {checkField("requireSso", t("sso.requireSso"))}
            {textField("breakGlassEmail", t("sso.breakGlass"), { hint: t("sso.breakGlassHint"), type: "email", maxLength: 254 })}
          </section>
          <section className="space-y-4" aria-labelledby="sso-mapping">
            <div>
              <h2 id="sso-mapping" className="text-base font-semibold text-slate-900">
                {t("sso.mapping")}
              </h2>
              <p className="mt-1 text-xs text-slate-500">{t("sso.mappingHint")}</p>
            </div>
            {mapping("mapDepartment", "departmentClaim", t("sso.map.department"))}
            {mapping("mapTitle", "titleClaim", t("sso.map.title"))}
            {mapping("mapManager", "managerClaim", t("sso.map.manager"))}
            {f.managerMatch.source === "env" ? (
              fixed("managerMatch", t("sso.managerMatch"))
            ) : (
              <Select key={`match-${text("managerMatch")}`} name="managerMatch" label={t("sso.managerMatch")} defaultValue={text("managerMatch") || "email"} errors={err("managerMatch")}>
                <option value="email">{t("sso.managerMatch.email")}</option>
                <option value="external_id">{t("sso.managerMatch.external_id")}</option>
              </Select>
            )}
          </section>
          <section className="space-y-4" aria-labelledby="sso-scim">
            <h2 id="sso-scim" className="text-base font-semibold text-slate-900">
              {t("sso.scim")}
            </h2>
            <Select
              key={`scim-${failed?.values?.scimGroups ?? page.scimGroups}`}
              name="scimGroups"
              label={t("sso.scimGroups")}
              hint={t("sso.scimGroupsHint")}
              defaultValue={failed?.values?.scimGroups ?? page.scimGroups}
              errors={err("scimGroups")}
            >
              <option value="department">{t("sso.scimGroups.department")}</option>
              <option value="space">{t("sso.scimGroups.space")}</option>
            </Select>
          </section>
          <Button type="submit" disabled={busy}>
            {t("sso.save")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
