import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, buttonClasses, Card, FormError, Input } from "~/components/ui";
import { localeFromMatches, translate, useT } from "~/i18n";
import { acceptInvite, findInvite } from "~/identity/accounts.server";
import { startSessionAndRedirect } from "~/identity/sign-in.server";
import { requestLocale } from "~/identity/request.server";
import { badRequest, MIN_PASSWORD, nameField, parseForm, passwordField } from "~/utils/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => {
  const locale = localeFromMatches(matches);
  const page = data?.valid ? translate(locale, "invite.title", { org: data.orgName }) : translate(locale, "invite.invalidTitle");
  return [{ title: translate(locale, "meta.title", { page }) }];
};

const InviteForm = z.object({ name: nameField, password: passwordField });

export async function loader({ params }: LoaderFunctionArgs) {
  const found = await findInvite(params.token ?? "");
  if (!found) return json({ valid: false as const }, { status: 404 });
  return json({ valid: true as const, orgName: found.orgName, email: found.invite.email, minPassword: MIN_PASSWORD });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = await requestLocale(request);
  const parsed = await parseForm(request, InviteForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await acceptInvite({ token: params.token ?? "", ...parsed.data });
  if (!result.ok) {
    const invalid = result.reason === "invalid";
    const formError = translate(locale, invalid ? "invite.invalid" : "invite.emailTaken");
    return badRequest({ errors: {}, formError, values: { name: parsed.data.name } }, invalid ? 404 : 400);
  }
  return startSessionAndRedirect(request, context, result.userId, "/");
}

export default function InvitePage() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useT();

  if (!data.valid) return <InvitationUnusable />;

  const errors = actionData?.errors ?? {};
  return (
    <div className="mx-auto w-full max-w-md">
      <Card className="p-6 sm:p-8">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900">{t("invite.heading", { org: data.orgName })}</h1>
        <p className="mt-2 text-sm text-slate-600">{t("invite.intro", { org: data.orgName })}</p>
        <Form method="post" className="mt-6 space-y-4">
          <FormError>{actionData?.formError}</FormError>
          <Input label={t("invite.email")} name="email" type="email" value={data.email} readOnly autoComplete="username" />
          <Input
            label={t("invite.name")}
            name="name"
            required
            maxLength={120}
            autoComplete="name"
            autoFocus
            defaultValue={actionData?.values?.name}
            errors={errors.name}
          />
          <Input
            label={t("invite.password")}
            name="password"
            type="password"
            required
            minLength={data.minPassword}
            autoComplete="new-password"
            hint={t("invite.passwordHint", { min: data.minPassword })}
            errors={errors.password}
          />
          <Button type="submit" className="w-full" disabled={navigation.state === "submitting"}>
            {t("invite.submit", { org: data.orgName })}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

function InvitationUnusable() {
  const { t } = useT();
  return (
    <section aria-labelledby="invite-invalid" className="mx-auto flex max-w-xl flex-col items-center py-16 text-center">
      <h1 id="invite-invalid" className="text-2xl font-semibold tracking-tight text-balance text-slate-900">
        {t("invite.invalidTitle")}
      </h1>
      <p className="mt-3 text-base text-pretty text-slate-600">{t("invite.invalid")}</p>
      <Link to="/login" className={buttonClasses({ className: "mt-8" })}>
        {t("user.signIn")}
      </Link>
    </section>
  );
}
