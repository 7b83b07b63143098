import { Link, useFetcher } from "@remix-run/react";
import { useT } from "~/i18n";
import type { ExpertiseLine } from "~/people/expertise.server";
import { explainExpertise } from "~/people/explain";
import type { PersonLink, SkillView } from "~/people/profile.server";
import { Button, Card } from "./ui";

// The sections of a profile page: organisation (manager chain, direct reports),
// declared skills with endorsements, and inferred expertise explained in words.

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
