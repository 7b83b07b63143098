import { useFetcher } from "@remix-run/react";
import { Link } from "~/components/link";
import { useT } from "~/i18n";
import type { ActivityItem, SpaceLink } from "~/people/activity.server";
import type { ExpertiseLine } from "~/people/expertise.server";
import { explainExpertise } from "~/people/explain";
import type { PersonLink, SkillView } from "~/people/profile.server";
import { Time } from "./time";
import { Button, Card } from "./ui";

// The sections of a profile page: organisation (manager chain, direct reports),
// declared skills with endorsements, inferred expertise explained in words, and the
// person's recent posts, answers and spaces (as far as the viewer may see them).

function PersonList({ people, empty, label }: { people: PersonLink[]; empty: string; label: string }) {
  if (!people.length) return <p className="text-sm text-slate-500">{empty}</p>;
  return (
    <ul aria-label={label} className="space-y-1 text-sm">
      {people.map((p) => (
        <li key={p.id}>
          <Link to={`/people/${p.id}`} className="font-medium text-brand-700 hover:underline">
            {p.name}
          </Link>
          {p.title ? <span className="text-slate-500"> · {p.title}</span> : null}
        </li>
      ))}
    </ul>
  );
}

export function OrgChartCard({ managers, reports }: { managers: PersonLink[]; reports: PersonLink[] }) {
  const { t } = useT();
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("profile.orgChart")}</h2>
      <div className="mt-4 grid gap-6 sm:grid-cols-2">
        <div>
          <h3 className="mb-2 text-sm font-medium text-slate-500">{t("profile.managers")}</h3>
          <PersonList people={managers} empty={t("profile.noManager")} label={t("profile.managers")} />
        </div>
        <div>
          <h3 className="mb-2 text-sm font-medium text-slate-500">{t("profile.reports")}</h3>
          <PersonList people={reports} empty={t("profile.noReports")} label={t("profile.reports")} />
        </div>
      </div>
    </Card>
  );
}

function EndorseButton({ skill, name }: { skill: SkillView; name: string }) {
  const { t } = useT();
  const fetcher = useFetcher();
  const pending = fetcher.formData?.get("intent");
  const on = pending === "endorse" ? true : pending === "withdraw" ? false : skill.endorsedByViewer;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value={on ? "withdraw" : "endorse"} />
      <input type="hidden" name="skillId" value={skill.id} />
      <Button
        type="submit"
        size="sm"
        variant={on ? "secondary" : "primary"}
        aria-label={on ? t("profile.withdrawLabel", { name, skill: skill.name }) : t("profile.endorseLabel", { name, skill: skill.name })}
      >
        {on ? t("profile.withdraw") : t("profile.endorse")}
      </Button>
    </fetcher.Form>
  );
}

export function SkillsCard({ skills, name, canEndorse }: { skills: SkillView[]; name: string; canEndorse: boolean }) {
  const { t } = useT();
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("profile.skills")}</h2>
      {skills.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{t("profile.noSkills")}</p>
      ) : (
        <ul className="mt-4 divide-y divide-slate-100" aria-label={t("profile.skills")}>
          {skills.map((s) => (
            <li key={s.id} className="flex flex-wrap items-center gap-3 py-2" data-skill={s.tag}>
              <span className="font-medium text-slate-900">{s.name}</span>
              <Link to={`/tags/${encodeURIComponent(s.tag)}`} className="text-xs text-brand-700 hover:underline">
                #{s.tag}
              </Link>
              <span className="text-sm text-slate-500" data-testid="endorsement-count">
                {t(s.endorsements === 1 ? "profile.endorsements.one" : "profile.endorsements.other", { count: s.endorsements })}
              </span>
              {canEndorse ? (
                <span className="ml-auto">
                  <EndorseButton skill={s} name={name} />
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function ExpertiseCard({ lines }: { lines: ExpertiseLine[] }) {
  const { t, locale } = useT();
  return (
    <Card className="p-6">
      <h2 className="text-base font-semibold text-slate-900">{t("profile.expertise")}</h2>
      {lines.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{t("profile.noExpertise")}</p>
      ) : (
        <ul className="mt-4 space-y-3" aria-label={t("profile.expertise")}>
          {lines.map((l) => (
            <li key={l.tag} data-expertise={l.tag}>
              <p className="text-sm font-medium text-slate-900">
                {l.tag}{" "}
                <span className="font-normal text-slate-500">· {t("profile.expertiseScore", { score: l.score.toLocaleString(locale, { maximumFractionDigits: 1 }) })}</span>
              </p>
              <ul className="ml-4 list-disc text-sm text-slate-600">
                {explainExpertise(t, l).map((s) => (
                  <li key={s}>{s}</li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** Recent posts or answers: what the page shows was already trimmed to what the viewer may read. */
export function ActivityCard({ kind, items }: { kind: "posts" | "answers"; items: ActivityItem[] }) {
  const { t } = useT();
  const title = kind === "posts" ? t("profile.recentPosts") : t("profile.recentAnswers");
  return (
    <Card className="p-6" data-testid={`profile-${kind}`}>
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {items.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{kind === "posts" ? t("profile.noPosts") : t("profile.noAnswers")}</p>
      ) : (
        <ul className="mt-4 divide-y divide-slate-100" aria-label={title}>
          {items.map((item) => (
            <li key={item.id} className="space-y-1 py-2">
              <Link to={item.href} className="block text-sm font-medium text-slate-900 hover:underline">
                {kind === "answers" ? t("profile.answerTo", { question: item.title }) : item.title}
              </Link>
              {kind === "answers" && item.excerpt ? <p className="line-clamp-2 text-sm text-slate-600">{item.excerpt}</p> : null}
              <p className="flex flex-wrap gap-x-1.5 text-xs text-slate-500">
                {item.space ? (
                  <Link to={`/spaces/${item.space.slug}`} className="font-medium text-slate-600 hover:underline">
                    {item.space.name}
                  </Link>
                ) : (
                  <span>{t("search.orgWide")}</span>
                )}
                <span aria-hidden="true">·</span>
                <Time value={item.createdAt} />
              </p>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** The spaces the person belongs to, among those the viewer may read. */
export function SpacesCard({ spaces }: { spaces: SpaceLink[] }) {
  const { t } = useT();
  return (
    <Card className="p-6" data-testid="profile-spaces">
      <h2 className="text-base font-semibold text-slate-900">{t("profile.spaces")}</h2>
      {spaces.length === 0 ? (
        <p className="mt-3 text-sm text-slate-500">{t("profile.noSpaces")}</p>
      ) : (
        <ul className="mt-4 flex flex-wrap gap-2" aria-label={t("profile.spaces")}>
          {spaces.map((s) => (
            <li key={s.id}>
              <Link to={`/spaces/${s.slug}`} className="inline-flex h-7 items-center rounded-full bg-slate-100 px-3 text-sm font-medium text-slate-700 hover:bg-slate-200">
                {s.name}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
