import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { Button, buttonClasses, Card, FormError, Input } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { completeSetup, setupTokenValid } from "~/identity/accounts.server";
import { startSessionAndRedirect } from "~/identity/sign-in.server";
import { requestLocale } from "~/identity/request.server";
import { badRequest, emailField, MIN_PASSWORD, nameField, parseForm, passwordField } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "setup.title");

const SetupForm = z.object({
  token: z.string().min(1).max(200),
  orgName: nameField,
  name: nameField,
  email: emailField,
  password: passwordField,
});

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  if (!(await setupTokenValid(token))) return json({ valid: false as const }, { status: 404 });
  return json({ valid: true as const, minPassword: MIN_PASSWORD });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const locale = await requestLocale(request);
  const parsed = await parseForm(request, SetupForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await completeSetup(parsed.data);
  if (!result.ok) {
    return badRequest({ errors: {}, formError: translate(locale, "setup.invalidToken"), values: {} }, 404);
  }
  return startSessionAndRedirect(request, context, result.userId, "/");
}

export default function SetupPage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();

  if (!data.valid) return <LinkUnusable />;

  const errors = actionData?.errors ?? {};
  const values = actionData?.values ?? {};
  return (
    <div className="mx-auto w-full max-w-md">
      <Card className="p-6 sm:p-8">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{t("setup.heading")}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("setup.intro")}</p>
        <Form method="post" className="mt-6 space-y-4">
          <FormError>{actionData?.formError}</FormError>
          <TokenField />
          <Input label={t("setup.orgName")} name="orgName" required maxLength={120} autoFocus defaultValue={values.orgName} errors={errors.orgName} />
          <Input label={t("setup.name")} name="name" required maxLength={120} autoComplete="name" defaultValue={values.name} errors={errors.name} />
          <Input label={t("setup.email")} name="email" type="email" required autoComplete="username" defaultValue={values.email} errors={errors.email} />
          <Input
            label={t("setup.password")}
            name="password"
            type="password"
            required
            minLength={data.minPassword}
            autoComplete="new-password"
            hint={t("setup.passwordHint", { min: data.minPassword })}
            errors={errors.password}
          />
          <Button type="submit" className="w-full" disabled={navigation.state === "submitting"}>
            {t("setup.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

// The token is already in the address bar; the form carries it back without the loader echoing it.
function TokenField() {
  const [searchParams] = useSearchParams();
  return <input type="hidden" name="token" value={searchParams.get("token") ?? ""} />;
}

function LinkUnusable() {
  const { t } = useT();
  return (
    <section aria-labelledby="setup-invalid" className="mx-auto flex max-w-xl flex-col items-center py-16 text-center">
      <h1 id="setup-invalid" className="text-2xl font-semibold tracking-tight text-balance text-slate-900">
        {t("setup.invalidTitle")}
      </h1>
      <p className="mt-3 text-base text-pretty text-slate-600">{t("setup.invalidToken")}</p>
      <Link to="/login" className={buttonClasses({ className: "mt-8" })}>
        {t("user.signIn")}
      </Link>
    </section>
  );
}
