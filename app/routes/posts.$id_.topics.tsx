import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, FormError, Input, PageHeader } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { labelTopics, topicsEditor } from "~/knowledge/search-pages.server";
import type { Viewer } from "~/policy/policy";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/path-params.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "topics.title");

const MAX_TOPICS = 10;
const topicField = z.string().trim().max(40, "topics.error.invalid");

const TopicsForm = z
  .object({
    topic: z.union([topicField, z.array(topicField)]).optional(),
    newTopic: topicField.optional(),
  })
  .transform(({ topic, newTopic }) =>
    [...(Array.isArray(topic) ? topic : topic ? [topic] : []), ...(newTopic ?? "").split(",")].map((s) => s.trim()).filter(Boolean)
  )
  .refine((topics) => new Set(topics.map((s) => s.toLowerCase())).size <= MAX_TOPICS, { message: "topics.error.invalid", path: ["topic"] });

// Only curators label content; for everyone else the page does not exist.
function requireCurator(viewer: Viewer) {
  authorizeOrg(viewer, "curate");
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  requireCurator(viewer);
  return json(await topicsEditor(viewer, idParam(params)));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireCurator(viewer);
  const id = idParam(params);
  const parsed = await parseForm(request, TopicsForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const result = await labelTopics(viewer, id, parsed.data);
  if (!result.ok) return badRequest({ errors: { topic: translate(locale, result.error) }, values: { topic: parsed.data.join(",") } });
  return redirect(`/posts/${id}`);
}

export default function TopicsPage() {
  const { post, topics, vocabulary } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = actionData && !actionData.ok ? actionData : null;
  const error = failed ? failed.errors.topic ?? failed.errors.newTopic ?? failed.errors._form : null;
  // After a failed save, keep what was ticked.
  const chosen = new Set(failed?.values?.topic !== undefined ? failed.values.topic.split(",").map((s) => s.trim().toLowerCase()) : topics);

  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("topics.heading")} description={t("topics.intro")} />
      <Card className="space-y-5 p-6">
        <blockquote className="border-l-4 border-slate-200 pl-3 text-sm text-slate-600">
          <p className="font-medium text-slate-800">{t("topics.postBy", { name: post.author })}</p>
          <p className="line-clamp-3">{post.excerpt}</p>
        </blockquote>
        <Form method="post" className="space-y-5">
          <FormError>{error}</FormError>
          <fieldset className="space-y-2">
            <legend className="mb-1 text-sm font-medium text-slate-800">{t("topics.vocabulary")}</legend>
            <div className="grid gap-2 sm:grid-cols-2">
              {vocabulary.map((topic) => (
                <label key={topic} className="flex items-center gap-2 text-sm text-slate-700">
                  <input type="checkbox" name="topic" value={topic} defaultChecked={chosen.has(topic)} className="size-4 rounded border-slate-300" />
                  {topic}
                </label>
              ))}
            </div>
          </fieldset>
          <Input label={t("topics.new")} name="newTopic" maxLength={40} autoComplete="off" hint={t("topics.newHint")} errors={failed?.errors?.newTopic} />
          <div className="flex flex-wrap items-center gap-3">
            <Button type="submit" disabled={busy}>
              {t("topics.submit")}
            </Button>
            <Link to={`/posts/${post.id}`} className="text-sm text-slate-600 hover:underline">
              {t("topics.back")}
            </Link>
          </div>
        </Form>
      </Card>
    </div>
  );
}
