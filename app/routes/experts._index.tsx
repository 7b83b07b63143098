import { json, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { Link } from "~/components/link";
import { z } from "zod";
import { buttonClasses, Button, Card, EmptyState, Input, PageHeader } from "~/components/ui";
import { metaTitle, useT } from "~/i18n";
import { requireViewer } from "~/identity/request.server";
import { directoryFacets, searchExperts } from "~/people/experts.server";

export const meta: MetaFunction = ({ matches }) => metaTitle(matches, "experts.title");

const field = z.string().trim().max(100).catch("");
const ExpertsQuery = z.object({ q: field, department: field, region: field, language: field });

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const p = ExpertsQuery.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [result, facets] = await Promise.all([searchExperts(viewer, p), directoryFacets(viewer)]);
  return json({ query: p, result, facets, viewerId: viewer.id });
}

function FilterSelect({ name, label, value, options }: { name: string; label: string; value: string; options: string[] }) {
  const { t } = useT();
  return (
    <label className="text-sm text-slate-700">
      {label}
      <select name={name} defaultValue={value} className="mt-1 block h-10 w-44 rounded-lg border border-slate-300 bg-white px-2 text-sm">
        <option value="">{t("experts.any")}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

export default function ExpertsPage() {
  const { query, result, facets, viewerId } = useLoaderData<typeof loader>();
  const { t, locale } = useT();
  return (
    <>
      <PageHeader title={t("experts.title")} description={t("experts.description")} />
      <Form method="get" role="search" className="mb-6 flex flex-wrap items-end gap-3">
        <Input label={t("experts.searchLabel")} name="q" type="search" defaultValue={query.q} placeholder={t("experts.searchPlaceholder")} className="min-w-64 flex-1" />
        <FilterSelect name="department" label={t("experts.department")} value={query.department} options={facets.departments} />
        <FilterSelect name="region" label={t("experts.region")} value={query.region} options={facets.regions} />
        <FilterSelect name="language" label={t("experts.language")} value={query.language} options={facets.languages} />
        <Button type="submit">{t("experts.search")}</Button>
      </Form>
      {result.degraded ? <p className="mb-4 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{t("experts.degraded")}</p> : null}
      <h2 className="mb-1 text-base font-semibold text-slate-900">{query.q ? t("experts.resultsFor", { query: query.q }) : t("experts.everyone")}</h2>
      {result.tags.length ? <p className="mb-3 text-sm text-slate-500">{t("experts.matchedTopics", { tags: result.tags.join(", ") })}</p> : null}
      {result.hits.length === 0 ? (
        <EmptyState title={t("experts.noResultsTitle")} description={t("experts.noResultsBody")} />
      ) : (
        <ol className="space-y-3" aria-label={t("experts.title")} data-testid="experts">
          {result.hits.map((h) => (
            <li key={h.id} data-person={h.id}>
              <Card className="flex flex-wrap items-center gap-4 p-4">
                <div className="min-w-0 flex-1">
                  <Link to={`/people/${h.id}`} className="font-medium text-brand-700 hover:underline">
                    {h.name}
                  </Link>
                  <p className="text-sm text-slate-600">{[h.title, h.department, h.region].filter(Boolean).join(" · ")}</p>
                  {h.skills.length ? <p className="mt-1 text-xs text-slate-500">{h.skills.join(", ")}</p> : null}
                </div>
                {h.score > 0 ? (
                  <span className="rounded-full bg-brand-50 px-2 py-0.5 text-xs font-medium text-brand-700">
                    {t("experts.scoreLabel", { score: h.score.toLocaleString(locale, { maximumFractionDigits: 1 }) })}
                  </span>
                ) : null}
                {h.id !== viewerId ? (
                  <Link to={`/questions/new?to=${encodeURIComponent(h.id)}`} aria-label={t("experts.askLabel", { name: h.name })} className={buttonClasses({ variant: "secondary", size: "sm" })}>
                    {t("experts.ask")}
                  </Link>
                ) : null}
              </Card>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
