import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { authorizeOrg } from "~/policy/authorize.server";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { z } from "zod";
import { PostButton } from "~/components/post-button";
import { Button, Card, FormError, Input, ListRow, ListSection, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, translate, useT, type MessageKey } from "~/i18n";
import { saveSynonyms } from "~/knowledge/search-pages.server";
import { listSynonyms, removeSynonyms } from "~/knowledge/synonyms.server";
import type { Viewer } from "~/policy/policy";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "synonyms.title");

const termField = z.string().trim().min(1).max(60, "synonyms.error.invalid");

const SynonymIntent = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("set"),
    term: termField,
    synonyms: z
      .string()
      .max(2000, "synonyms.error.invalid")
      .transform((raw) =>
        raw
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      )
      .refine((list) => list.length > 0, "synonyms.error.invalid"),
  }),
  z.object({ intent: z.literal("remove"), term: termField }),
]);

// What an admin page does not let you do does not exist for you: 404, never 403.
function requireSynonymAdmin(viewer: Viewer) {
  authorizeOrg(viewer, "manage_synonyms");
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const rows = await listSynonyms(viewer);
  const edit = new URL(request.url).searchParams.get("edit");
  return json({ items: rows.map((r) => ({ term: r.term, synonyms: r.synonyms })), edit: rows.find((r) => r.term === edit)?.term ?? null });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  requireSynonymAdmin(viewer);
  const parsed = await parseForm(request, SynonymIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  if (input.intent === "remove") {
    await removeSynonyms(viewer, input.term);
    const notice: MessageKey = "synonyms.removed";
    return json({ ok: true as const, notice, term: input.term });
  }
  const result = await saveSynonyms(viewer, input.term, input.synonyms);
  if (!result.ok) {
    return badRequest({
      errors: { synonyms: translate(locale, result.error) },
      values: { intent: "set", term: input.term, synonyms: input.synonyms.join(", ") },
    });
  }
  const notice: MessageKey = "synonyms.saved";
  return json({ ok: true as const, notice, term: result.saved.term });
}

export default function SynonymsPage() {
  const { items, edit } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const formRef = useRef<HTMLFormElement>(null);
  const failed = actionData && !actionData.ok ? actionData : null;
  const done = actionData?.ok ? actionData : null;
  const editing = items.find((i) => i.term === edit);
  const values = failed?.values ?? { term: editing?.term ?? "", synonyms: editing?.synonyms.join(", ") ?? "" };

  useEffect(() => {
    if (done?.notice === "synonyms.saved" && !edit) formRef.current?.reset();
  }, [done, edit]);

  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t("synonyms.title")} description={t("synonyms.intro")} />
      <div className="space-y-8">
        <div className="space-y-2 rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
          <p>{t("synonyms.example")}</p>
          <p className="text-slate-500">{t("synonyms.scope")}</p>
        </div>
        <SuccessNotice>{done ? t(done.notice, { term: done.term }) : null}</SuccessNotice>

        <Card className="p-6">
          <h2 className="text-base font-semibold text-slate-900">{t("synonyms.formTitle")}</h2>
          <Form ref={formRef} method="post" key={edit ?? "new"} className="mt-4 space-y-4">
            <input type="hidden" name="intent" value="set" />
            <FormError>{failed?.errors?._form}</FormError>
            <Input label={t("synonyms.term")} name="term" required maxLength={60} autoComplete="off" defaultValue={values.term} errors={failed?.errors?.term} />
            <Input
              label={t("synonyms.list")}
              name="synonyms"
              required
              maxLength={2000}
              autoComplete="off"
              hint={t("synonyms.listHint")}
              defaultValue={values.synonyms}
              errors={failed?.errors?.synonyms}
            />
            <Button type="submit" disabled={busy}>
              {t("synonyms.submit")}
            </Button>
          </Form>
        </Card>

        <ListSection
          id="synonyms-list"
          heading={t("synonyms.listTitle")}
          empty={items.length === 0 ? { title: t("synonyms.emptyTitle"), description: t("synonyms.emptyBody") } : null}
        >
          {items.map((s) => (
            <ListRow key={s.term}>
              <div className="min-w-0 flex-1">
                <p className="text-sm font-medium text-slate-900">{s.term}</p>
                <p className="text-sm text-slate-600">{s.synonyms.join(", ")}</p>
              </div>
              <Link
                to={`?edit=${encodeURIComponent(s.term)}`}
                aria-label={t("synonyms.editLabel", { term: s.term })}
                className="text-sm text-brand-700 hover:underline"
              >
                {t("synonyms.edit")}
              </Link>
              <PostButton fields={{ intent: "remove", term: s.term }} variant="ghost" disabled={busy} aria-label={t("synonyms.removeLabel", { term: s.term })}>
                {t("synonyms.remove")}
              </PostButton>
            </ListRow>
          ))}
        </ListSection>
      </div>
    </div>
  );
}
