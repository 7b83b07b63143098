import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { idParam } from "~/utils/path-params.server";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button, Card, FormError, Input, PageHeader, Select, Textarea } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { peopleInputResponse } from "~/people/errors.server";
import { BIO_MAX, profileForEdit, updateProfile } from "~/people/profile.server";
import { badRequest, parseForm } from "~/utils/forms.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "profileEdit.title");

const list = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const ProfileForm = z.object({
  // a little slack over the limit so the domain's own message explains an oversized bio
  bio: z.string().max(BIO_MAX * 4, "profileEdit.error.bioTooLong").default(""),
  languages: z
    .string()
    .max(200, "profileEdit.error.languages")
    .default("")
    .transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean)),
  managerId: z.string().trim().max(64).default(""),
  skills: z.preprocess(list, z.array(z.string().trim().min(1).max(64)).max(100, "profileEdit.error.tooManySkills")),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  return json(await profileForEdit(viewer, idParam(params)));
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const id = idParam(params);
  // the policy first: a hidden profile is 404 whatever the form says
  await profileForEdit(viewer, id);
  const parsed = await parseForm(request, ProfileForm, locale);
  if (!parsed.ok) return badRequest(parsed);
  const { bio, languages, managerId, skills } = parsed.data;
  try {
    await updateProfile(viewer, id, { bio, languages, managerId: managerId || null, skillIds: skills });
  } catch (e) {
    return peopleInputResponse(e, locale, { bio, languages: languages.join(", "), managerId });
  }
  return redirect(`/people/${id}`);
}

export default function EditProfilePage() {
  const data = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t } = useT();
  const values = failed && !failed.ok ? failed.values : null;
  const errors = failed && !failed.ok ? failed.errors : undefined;
  return (
    <div className="mx-auto max-w-2xl">
      <PageHeader title={t("profileEdit.title")} description={t("profileEdit.intro")} />
      <Card className="p-6">
        <Form method="post" className="space-y-5">
          <FormError>{errors?._form}</FormError>
          <Textarea
            label={t("profileEdit.bio")}
            name="bio"
            rows={6}
            hint={t("profileEdit.bioHint")}
            defaultValue={values?.bio ?? data.bio}
            errors={errors?.bio}
          />
          <Input
            label={t("profileEdit.languages")}
            name="languages"
            hint={t("profileEdit.languagesHint")}
            defaultValue={values?.languages ?? data.languages.join(", ")}
            errors={errors?.languages}
            autoComplete="off"
          />
          <Select label={t("profileEdit.manager")} name="managerId" defaultValue={values?.managerId ?? data.managerId ?? ""} errors={errors?.managerId}>
            <option value="">{t("profileEdit.managerNone")}</option>
            {data.managers.map((m) => (
              <option key={m.id} value={m.id}>
                {m.title ? `${m.name} — ${m.title}` : m.name}
              </option>
            ))}
          </Select>
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-800">{t("profileEdit.skills")}</legend>
            <p className="text-xs text-slate-500">{t("profileEdit.skillsHint")}</p>
            {errors?.skills ? (
              <p role="alert" className="text-sm text-red-700">
                {errors.skills}
              </p>
            ) : null}
            <div className="grid gap-2 sm:grid-cols-2">
              {data.taxonomy.map((s) => (
                <label key={s.id} className="flex items-center gap-2 text-sm text-slate-800">
                  <input type="checkbox" name="skills" value={s.id} defaultChecked={data.skillIds.includes(s.id)} className="size-4 rounded border-slate-300" />
                  {s.name}
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" disabled={busy}>
            {t("profileEdit.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
