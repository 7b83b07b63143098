import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { SimilarQuestions } from "~/components/similar-questions";
import { Button, Card, FormError, Input, PageHeader, Select, Textarea } from "~/components/ui";
import { postableSpaces } from "~/content/composer.server";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { qaErrorResponse, submitQuestion } from "~/qa/forms.server";
import { UsagePolicyLink } from "~/components/usage-policy-link";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "qa.askTitle");

const AskForm = z.object({
  title: z.string().max(2000),
  body: z.string().max(1_000_000).optional(),
  bodyText: z.string().max(60_000).optional(),
  tags: z.string().max(400).optional(),
  spaceId: z.string().max(64).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const url = new URL(request.url);
  return json({ spaces: await postableSpaces(viewer), space: url.searchParams.get("space") ?? "" });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, AskForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  let id: string;
  try {
    id = (await submitQuestion(viewer, parsed.data)).id;
  } catch (error) {
    return qaErrorResponse(error, locale, { title: parsed.data.title, bodyText: parsed.data.bodyText ?? "", tags: parsed.data.tags ?? "" });
  }
  return redirect(`/questions/${id}`);
}

export default function AskPage() {
  const { spaces, space } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const errors: Record<string, string> = result && "errors" in result ? (result.errors as Record<string, string>) : {};
  const values: Record<string, string> = result && "values" in result ? (result.values as Record<string, string>) : {};
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  return (
    <div className="mx-auto max-w-2xl">
      <p className="mb-4">
        <Link to="/questions" className="text-sm text-slate-600 hover:underline">
          ← {t("qa.back")}
        </Link>
      </p>
      <PageHeader title={t("qa.askTitle")} description={t("qa.askDescription")} />
      <Card className="p-5">
        <Form method="post" className="space-y-4">
          {errors._form ? (
            <FormError>
              {errors._form} <UsagePolicyLink href={result && "formLink" in result ? (result.formLink as string) : null} />
            </FormError>
          ) : null}
          <SimilarQuestions defaultValue={values.title ?? ""} error={errors.title} />
          <Textarea id="q-body" name="bodyText" rows={6} label={t("qa.field.body")} defaultValue={values.bodyText ?? ""} errors={errors.body} />
          <Input id="q-tags" name="tags" label={t("qa.field.tags")} hint={t("qa.field.tagsHint")} defaultValue={values.tags ?? ""} errors={errors.tags} />
          <Select id="q-space" name="spaceId" label={t("qa.field.space")} defaultValue={values.spaceId ?? space}>
            <option value="">{t("qa.field.noSpace")}</option>
            {spaces.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </Select>
          <Button type="submit" disabled={busy}>
            {t("qa.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
