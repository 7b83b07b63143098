import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button, Card, PageHeader } from "~/components/ui";
import { unsubscribeDigest, unsubscribeTokenValid } from "~/notifications/digest.server";
import { metaTitle, useT } from "~/i18n";

// The link in every digest email. It works signed out (the token is signed for one user).
// GET only shows a button: mail scanners prefetch links, and a prefetch must not unsubscribe.
// The POST is a same-origin form (the Origin check in server.ts refuses cross-site posts).

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "digest.unsubscribe.title");

const MAX_TOKEN = 512;

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  const valid = token.length <= MAX_TOKEN && unsubscribeTokenValid(token);
  return json({ token: valid ? token : "", valid }, { status: valid ? 200 : 400, headers: { "Cache-Control": "no-store" } });
}

export async function action({ request }: ActionFunctionArgs) {
  let token = "";
  try {
    const value = (await request.formData()).get("token");
    token = typeof value === "string" ? value : "";
  } catch {
    /* not a form: treated as a bad token */
  }
  const done = token.length <= MAX_TOKEN && (await unsubscribeDigest(token));
  return json({ done }, { status: done ? 200 : 400 });
}

export default function UnsubscribePage() {
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const { t } = useT();
  const busy = useNavigation().state === "submitting";
  const invalid = !valid || result?.done === false;

  return (
    <div className="mx-auto max-w-xl">
      <PageHeader title={t(invalid ? "digest.unsubscribe.invalidTitle" : "digest.unsubscribe.title")} />
      <Card className="space-y-4 p-6">
        {invalid ? (
          <p className="text-sm text-slate-700">{t("digest.unsubscribe.invalid")}</p>
        ) : result?.done ? (
          <p role="status" className="text-sm text-slate-700">
            {t("digest.unsubscribe.done")}
          </p>
        ) : (
          <>
            <p className="text-sm text-slate-700">{t("digest.unsubscribe.body")}</p>
            <Form method="post">
              <input type="hidden" name="token" value={token} />
              <Button type="submit" disabled={busy}>
                {t("digest.unsubscribe.confirm")}
              </Button>
            </Form>
          </>
        )}
        {invalid || result?.done ? (
          <p className="text-sm">
            <Link to="/settings/notifications" className="text-brand-700 underline underline-offset-2 hover:text-brand-800">
              {t("digest.unsubscribe.settings")}
            </Link>
          </p>
        ) : null}
      </Card>
    </div>
  );
}
