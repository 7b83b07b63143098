import { Link } from "~/components/link";
import { useT, type TFunction } from "~/i18n";
import { plural } from "./post-card";
import { cx } from "./ui";

// A list of questions: title, tags, answers, score, and the response clock.

export type ClockView = { targetMinutes: number; state: "running" | "breached" | "answered" | "answeredLate"; minutes: number };
export type QuestionListItemView = {
  id: string;
  title: string;
  author: { id: string; name: string };
  space: { name: string; slug: string } | null;
  tags: string[];
  answers: number;
  score: number;
  accepted: boolean;
  closed: boolean;
  clock: ClockView;
};

export function targetLabel(t: TFunction, minutes: number) {
  return minutes % 60 === 0 ? t("qa.hours", { count: minutes / 60 }) : t("qa.minutes", { count: minutes });
}

export function ClockBadge({ clock }: { clock: ClockView }) {
  const { t } = useT();
  const target = targetLabel(t, clock.targetMinutes);
  const tone = clock.state === "breached" || clock.state === "answeredLate" ? "bg-red-50 text-red-800" : clock.state === "running" ? "bg-amber-50 text-amber-800" : "bg-emerald-50 text-emerald-800";
  return (
    <span className={cx("rounded px-2 py-0.5 text-xs", tone)} data-clock={clock.state}>
      {t(`qa.clock.${clock.state}`, { target, minutes: clock.minutes })}
    </span>
  );
}

export function QuestionList({ items }: { items: readonly QuestionListItemView[] }) {
  const { t, locale } = useT();
  return (
    <ul className="divide-y divide-slate-200 rounded-xl border border-slate-200 bg-white">
      {items.map((q) => (
        <li key={q.id} className="flex gap-4 px-4 py-3" data-question={q.id}>
          <div className="w-20 shrink-0 text-right text-xs text-slate-600">
            <p>{t("qa.votes", { count: q.score })}</p>
            <p className={cx(q.accepted && "font-semibold text-emerald-700")}>{t(plural(locale, q.answers, "qa.answers.one", "qa.answers.other"), { count: q.answers })}</p>
          </div>
          <div className="min-w-0 flex-1 space-y-1">
            <Link to={`/questions/${q.id}`} className="font-medium text-slate-900 hover:underline">
              {q.title}
            </Link>
            {q.closed ? <span className="ml-2 rounded bg-slate-100 px-1.5 text-xs text-slate-700">{t("qa.closedBadge")}</span> : null}
            <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
              {q.tags.map((tag) => (
                <Link key={tag} to={`/questions?tag=${encodeURIComponent(tag.slice(1))}`} className="rounded bg-brand-50 px-1.5 text-brand-800 hover:underline">
                  {tag}
                </Link>
              ))}
              <span>{t("qa.askedBy", { name: q.author.name })}</span>
              {q.space ? <span>· {q.space.name}</span> : null}
              <ClockBadge clock={q.clock} />
            </p>
          </div>
        </li>
      ))}
    </ul>
  );
}
