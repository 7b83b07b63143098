import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { FollowButton } from "~/components/follow-button";
import { Card, PageHeader } from "~/components/ui";
import { setFollow } from "~/feed/follows.server";
import { metaTitle, useT } from "~/i18n";
import { getProfile } from "~/people/directory.server";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/path-params.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? metaTitle(matches, "profile.pageTitle", { name: data.person.name }) : metaTitle(matches, "profile.title");

const FollowIntent = z.discriminatedUnion("intent", [z.object({ intent: z.literal("follow") }), z.object({ intent: z.literal("unfollow") })]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const { person, isSelf } = await getProfile(viewer, idParam(params));
  return json({
    person: {
      id: person.id,
      name: person.name,
      title: person.title,
      department: person.department,
      region: person.region,
      languages: person.languages ?? [],
      active: person.status === "active",
      following: Boolean(person.following),
    },
    isSelf,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, FollowIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  await setFollow(viewer, "user", idParam(params), parsed.data.intent === "follow");
  return json({ ok: true as const, following: parsed.data.intent === "follow" });
}

export default function ProfilePage() {
  const { person, isSelf } = useLoaderData<typeof loader>();
  const { t } = useT();
  const rows = [
    { label: t("profile.department"), value: person.department },
    { label: t("profile.region"), value: person.region },
    { label: t("profile.languages"), value: person.languages.join(", ") },
  ];
  return (
    <>
      <PageHeader
        title={person.name}
        description={person.title || undefined}
        actions={
          isSelf ? (
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{t("profile.you")}</span>
          ) : person.active ? (
            <FollowButton following={person.following} name={person.name} />
          ) : (
            <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{t("profile.deactivated")}</span>
          )
        }
      />
      <Card className="max-w-2xl p-6">
        <h2 className="text-base font-semibold text-slate-900">{t("profile.details")}</h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
          {rows.map((row) => (
            <div key={row.label} className="contents">
              <dt className="font-medium text-slate-500">{row.label}</dt>
              <dd className="text-slate-900">{row.value || t("profile.notSpecified")}</dd>
            </div>
          ))}
        </dl>
      </Card>
    </>
  );
}
