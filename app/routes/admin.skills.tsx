import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, FormError, Input, ListRow, ListSection, PageHeader, SuccessNotice } from "~/components/ui";
import { metaTitle, useT, type MessageKey } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { peopleInputResponse } from "~/people/errors.server";
import { addSkill, listSkills, mergeSkill, renameSkill } from "~/people/skills.server";
import { authorizeOrg } from "~/policy/authorize.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "skills.title");

const name = z.string().trim().min(1).max(60, "skills.error.name");
const synonyms = z
  .string()
  .max(2000, "skills.error.synonyms")
  .default("")
  .transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean));
const id = z.string().trim().min(1).max(64);
const SkillIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("add"), name, synonyms }),
  z.object({ intent: z.literal("rename"), id, name, synonyms }),
  z.object({ intent: z.literal("merge"), id, into: id }),
]);

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json({ skills: await listSkills(viewer) });
}

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  authorizeOrg(viewer, "manage_skills");
  const parsed = await parseForm(request, SkillIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  try {
    const skill =
      input.intent === "add"
        ? await addSkill(viewer, input)
        : input.intent === "rename"
          ? await renameSkill(viewer, input.id, input)
          : await mergeSkill(viewer, input.id, input.into);
    const notice: MessageKey = input.intent === "add" ? "skills.added" : input.intent === "rename" ? "skills.renamed" : "skills.merged";
    return json({ ok: true as const, notice, name: skill.name });
  } catch (e) {
    return peopleInputResponse(e, locale, input.intent === "merge" ? {} : { name: input.name, synonyms: input.synonyms.join(", ") });
  }
}

export default function SkillsAdminPage() {
  const { skills } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const failed = result && !result.ok ? result : null;
  const done = result?.ok ? result : null;
  return (
    <div className="mx-auto max-w-3xl">
      <PageHeader title={t("skills.title")} description={t("skills.intro")} />
      <div className="space-y-8">
        <SuccessNotice>{done ? t(done.notice, { name: done.name }) : null}</SuccessNotice>
        <Card className="p-6">
          <h2 className="text-base font-semibold text-slate-900">{t("skills.formTitle")}</h2>
          <Form method="post" className="mt-4 space-y-4">
            <input type="hidden" name="intent" value="add" />
            <FormError>{failed?.errors?._form}</FormError>
            <Input label={t("skills.name")} name="name" required maxLength={60} autoComplete="off" errors={failed?.errors?.name} />
            <Input label={t("skills.synonyms")} name="synonyms" maxLength={2000} autoComplete="off" hint={t("skills.synonymsHint")} errors={failed?.errors?.synonyms} />
            <Button type="submit" disabled={busy}>
              {t("skills.add")}
            </Button>
          </Form>
        </Card>
        <ListSection id="skills-list" heading={t("skills.listTitle")} empty={skills.length === 0 ? { title: t("skills.emptyTitle"), description: t("skills.emptyBody") } : null}>
          {skills.map((s) => (
            <ListRow key={s.id}>
              <Form method="post" className="flex min-w-0 flex-1 flex-wrap items-end gap-2" aria-label={t("skills.renameLabel", { name: s.name })}>
                <input type="hidden" name="intent" value="rename" />
                <input type="hidden" name="id" value={s.id} />
                <Input label={t("skills.name")} name="name" defaultValue={s.name} maxLength={60} className="w-40" />
                <Input label={t("skills.synonyms")} name="synonyms" defaultValue={s.synonyms.join(", ")} maxLength={2000} className="min-w-48 flex-1" />
                <span className="pb-2 text-xs text-slate-500">
                  #{s.tag} · {t(s.people === 1 ? "skills.people.one" : "skills.people.other", { count: s.people })}
                </span>
                <Button type="submit" size="sm" variant="secondary" disabled={busy}>
                  {t("skills.rename")}
                </Button>
              </Form>
              <Form method="post" className="flex items-end gap-2" aria-label={t("skills.mergeLabel", { name: s.name })}>
                <input type="hidden" name="intent" value="merge" />
                <input type="hidden" name="id" value={s.id} />
                <label className="text-xs text-slate-600">
                  {t("skills.mergeInto")}
                  <select name="into" className="mt-1 block h-8 rounded-md border border-slate-300 text-sm">
                    {skills
                      .filter((o) => o.id !== s.id)
                      .map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                  </select>
                </label>
                <Button type="submit" size="sm" variant="ghost" disabled={busy || skills.length < 2}>
                  {t("skills.merge")}
                </Button>
              </Form>
            </ListRow>
          ))}
        </ListSection>
      </div>
    </div>
  );
}
