import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, buttonClasses, Card, FormError, Input } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { signIn } from "~/identity/accounts.server";
import { oidcEnabled } from "~/identity/oidc.server";
import { getCurrentUser } from "~/identity/session.server";
import { safeRedirect } from "~/utils/safe-redirect";
import { clientIp, startSessionAndRedirect } from "~/identity/sign-in.server";
import { requestLocale } from "~/identity/request.server";
import { badRequest, emailField, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "login.title");

const LoginForm = z.object({
  email: emailField,
  password: z.string().min(1).max(200),
  // Any text: safeRedirect decides where it may lead (a hostile target falls back to "/").
  redirectTo: z.string().max(20_000).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getCurrentUser(request)) throw redirect("/");
  const url = new URL(request.url);
  const redirectTo = safeRedirect(url.searchParams.get("redirectTo"));
  const ssoError = url.searchParams.get("sso") ? ("login.ssoFailed" as const) : null;
  return json({ redirectTo, sso: await oidcEnabled(), ssoError });
}

export async function action({ request, context }: ActionFunctionArgs) {
  if (await getCurrentUser(request)) throw redirect("/");
  const locale = await requestLocale(request);
  const parsed = await parseForm(request, LoginForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const { email, password } = parsed.data;
  const values = { email };

  const result = await signIn(email, password, clientIp(context));
  if (!result.ok) {
    // One message for every failure, so the form never reveals which accounts exist.
    const key = result.reason === "rate_limited" ? "login.rateLimited" : result.reason === "sso_required" ? "login.ssoRequired" : "login.failed";
    return badRequest({ errors: {}, formError: translate(locale, key), values }, result.reason === "rate_limited" ? 429 : 400);
  }
  return startSessionAndRedirect(request, context, result.userId, safeRedirect(parsed.data.redirectTo));
}

export default function LoginPage() {
  const { redirectTo, sso, ssoError } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();
  const submitting = navigation.state !== "idle" && navigation.formMethod?.toLowerCase() === "post";
  const errors = actionData?.errors ?? {};

  return (
    <div className="mx-auto w-full max-w-sm">
      <Card className="p-6 sm:p-8">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{t("login.heading")}</h1>
        {sso ? (
          <div className="mt-6">
            <FormError>{ssoError ? t(ssoError) : null}</FormError>
            <a href={`/auth/oidc?redirectTo=${encodeURIComponent(redirectTo)}`} className={buttonClasses({ variant: "secondary", className: "w-full" })}>
              {t("login.sso")}
            </a>
          </div>
        ) : null}
        <Form method="post" className="mt-6 space-y-4">
          <FormError>{actionData?.formError}</FormError>
          <input type="hidden" name="redirectTo" value={redirectTo} />
          <Input
            label={t("login.email")}
            name="email"
            type="email"
            autoComplete="username"
            autoFocus
            required
            defaultValue={actionData?.values?.email ?? ""}
            errors={errors.email}
          />
          <Input
            label={t("login.password")}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            errors={errors.password}
          />
          <Button type="submit" className="w-full" disabled={submitting}>
            {submitting ? t("login.submitting") : t("login.submit")}
          </Button>
        </Form>
        <p className="mt-6 text-sm text-slate-600">{t("login.noAccount")}</p>
      </Card>
    </div>
  );
}
