import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { z } from "zod";
import { FollowButton } from "~/components/follow-button";
import { ActivityCard, ExpertiseCard, OrgChartCard, SkillsCard, SpacesCard } from "~/components/profile-sections";
import { buttonClasses, Card, PageHeader } from "~/components/ui";
import { setFollow } from "~/feed/follows.server";
import { metaTitle, useT } from "~/i18n";
import { peopleInputResponse } from "~/people/errors.server";
import { profilePage, setEndorsement } from "~/people/profile.server";
import { requireViewer } from "~/identity/request.server";
import { badRequest, parseForm } from "~/utils/forms.server";
import { idParam } from "~/utils/path-params.server";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  data ? metaTitle(matches, "profile.pageTitle", { name: data.person.name }) : metaTitle(matches, "profile.title");

const skillId = z.string().trim().min(1).max(64);
const ProfileIntent = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("follow") }),
  z.object({ intent: z.literal("unfollow") }),
  z.object({ intent: z.literal("endorse"), skillId }),
  z.object({ intent: z.literal("withdraw"), skillId }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const { person, isSelf, canEdit, canEndorse, chart, skills, expertise, posts, answers, spaces } = await profilePage(viewer, idParam(params));
  return json({
    person: {
      id: person.id,
      name: person.name,
      title: person.title,
      department: person.department,
      region: person.region,
      languages: person.languages ?? [],
      bio: person.bio ?? "",
      active: person.status === "active",
      following: Boolean(person.following),
    },
    isSelf,
    canEdit,
    canEndorse,
    chart,
    skills,
    expertise,
    posts,
    answers,
    spaces,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, ProfileIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const input = parsed.data;
  const id = idParam(params);
  if (input.intent === "follow" || input.intent === "unfollow") {
    await setFollow(viewer, "user", id, input.intent === "follow");
    return json({ ok: true as const, following: input.intent === "follow" });
  }
  try {
    await setEndorsement(viewer, id, input.skillId, input.intent === "endorse");
  } catch (e) {
    return peopleInputResponse(e, locale, { skillId: input.skillId });
  }
  return json({ ok: true as const, endorsed: input.intent === "endorse" });
}

export default function ProfilePage() {
  const { person, isSelf, canEdit, canEndorse, chart, skills, expertise, posts, answers, spaces } = useLoaderData<typeof loader>();
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
          <>
            {canEdit ? (
              <Link to={`/people/${person.id}/edit`} className={buttonClasses({ variant: "secondary" })}>
                {t("profile.edit")}
              </Link>
            ) : null}
            {isSelf ? (
              <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{t("profile.you")}</span>
            ) : person.active ? (
              <>
                <Link to={`/questions/new?to=${encodeURIComponent(person.id)}`} className={buttonClasses({ variant: "secondary" })}>
                  {t("profile.ask", { name: person.name })}
                </Link>
                <FollowButton following={person.following} name={person.name} />
              </>
            ) : (
              <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600">{t("profile.deactivated")}</span>
            )}
          </>
        }
      />
      <div className="grid max-w-4xl gap-6">
        <Card className="p-6">
          <h2 className="text-base font-semibold text-slate-900">{t("profile.details")}</h2>
          <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            {rows.map((row) => (
              <div key={row.label} className="contents">
                <dt className="font-medium text-slate-500">{row.label}</dt>
                <dd className="text-slate-900">{row.value || t("profile.notSpecified")}</dd>
              </div>
            ))}
          </dl>
          <h3 className="mt-6 text-sm font-medium text-slate-500">{t("profile.bio")}</h3>
          <p className="mt-1 text-sm whitespace-pre-line text-slate-800" data-testid="bio">
            {person.bio || t("profile.noBio")}
          </p>
        </Card>
        <SkillsCard skills={skills} name={person.name} canEndorse={canEndorse} />
        <ExpertiseCard lines={expertise} />
        <ActivityCard kind="posts" items={posts} />
        <ActivityCard kind="answers" items={answers} />
        <SpacesCard spaces={spaces} />
        <OrgChartCard managers={chart.managers} reports={chart.reports} />
      </div>
    </>
  );
}
