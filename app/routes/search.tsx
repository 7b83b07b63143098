import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import {
  ActiveFilters,
  FoldingFilters,
  FACET_NAMES,
  MoreResults,
  PeoplePreview,
  PeopleTab,
  ResultCount,
  SEARCH_KINDS,
  SearchHits,
  SearchSidebar,
  SearchTabs,
  SINCE_PRESETS,
  type SearchFilters,
} from "~/components/search-results";
import { Button, EmptyState, PageHeader } from "~/components/ui";
import { metaTitle, translate, useT } from "~/i18n";
import { addWatch, peopleSearchPage, searchPage } from "~/knowledge/search-pages.server";
import { requireViewer } from "~/identity/request.server";
import { now } from "~/utils/clock.server";
import { badRequest, parseForm } from "~/utils/forms.server";

const MAX_QUERY_LENGTH = 200;
const MAX_OFFSET = 10_000;
const DAYS: Record<(typeof SINCE_PRESETS)[number], number> = { "7d": 7, "30d": 30, "365d": 365 };

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  data?.filters.q ? metaTitle(matches, "search.resultsFor", { query: data.filters.q }) : metaTitle(matches, "search.title");

// Facet values end up quoted in an engine filter: no quotes, backslashes or control characters.
const facetValue = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[^"\\\p{Cc}]+$/u);
/** Keeps the values `item` accepts (deduplicated, at most 10); anything else is ignored. */
const keep = (item: z.ZodType<string>) =>
  z.array(z.string()).transform((values) => [...new Set(values.flatMap((v) => (item.safeParse(v).success ? [item.parse(v)] : [])))].slice(0, 10));

const SearchQuery = z.object({
  q: z
    .string()
    .catch("")
    .transform((s) => s.trim().slice(0, MAX_QUERY_LENGTH)),
  kind: keep(z.enum(SEARCH_KINDS)),
  space: keep(facetValue),
  tag: keep(facetValue.transform((t) => t.replace(/^#/, "").toLowerCase()).pipe(facetValue)),
  dept: keep(facetValue),
  topic: keep(facetValue.transform((t) => t.toLowerCase())),
  since: z.enum(SINCE_PRESETS).nullable().catch(null),
  sort: z.enum(["relevance", "date"]).catch("relevance"),
  offset: z.coerce.number().int().min(0).max(MAX_OFFSET).catch(0),
  tab: z.enum(["all", "people"]).catch("all"),
});

function readQuery(url: URL) {
  const p = url.searchParams;
  return SearchQuery.parse({
    q: p.get("q") ?? "",
    ...Object.fromEntries(FACET_NAMES.map((name) => [name, p.getAll(name)])),
    since: p.get("since"),
    sort: p.get("sort"),
    offset: p.get("offset") ?? 0,
    tab: p.get("in"),
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  const { viewer } = await requireViewer(request);
  const { offset, tab, ...filters } = readQuery(new URL(request.url));
  // The People tab: people found by name, job title, department or skill (content facets do not apply).
  if (tab === "people") {
    const people = filters.q ? await peopleSearchPage(viewer, filters.q, offset) : null;
    return json({ filters: filters satisfies SearchFilters, offset, tab, result: null, people });
  }
  const narrowed = FACET_NAMES.some((name) => filters[name].length > 0) || filters.since !== null;
  // Nothing asked yet: show the prompt rather than every post.
  if (!filters.q && !narrowed) return json({ filters: filters satisfies SearchFilters, offset, tab, result: null, people: null });
  const result = await searchPage(viewer, {
    q: filters.q,
    kinds: filters.kind,
    spaces: filters.space,
    tags: filters.tag,
    departments: filters.dept,
    topics: filters.topic,
    since: filters.since ? new Date(now().getTime() - DAYS[filters.since] * 86_400_000) : null,
    sort: filters.sort,
    offset,
  });
  return json({ filters: filters satisfies SearchFilters, offset, tab, result, people: null });
}

const SaveIntent = z.object({ intent: z.literal("save"), q: z.string().trim().min(1).max(MAX_QUERY_LENGTH) });

export async function action({ request }: ActionFunctionArgs) {
  const { viewer, locale } = await requireViewer(request);
  const parsed = await parseForm(request, SaveIntent, locale);
  if (!parsed.ok) return badRequest(parsed);
  const saved = await addWatch(viewer, parsed.data.q);
  if (!saved.ok) return badRequest({ errors: { q: translate(locale, saved.error) }, values: { q: parsed.data.q } });
  return redirect("/settings/watchlist");
}

export default function SearchPage() {
  const { filters, offset, tab, result, people } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const { t, locale } = useT();
  const q = filters.q;
  const saveError = actionData && !actionData.ok ? actionData.errors.q ?? actionData.errors._form ?? null : null;

  return (
    <>
      <PageHeader
        title={t("search.title")}
        description={q ? t("search.resultsFor", { query: q }) : undefined}
        actions={
          q ? (
            <Form method="post" title={t("search.saveHint")}>
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="q" value={q} />
              <Button type="submit" variant="secondary" disabled={busy} aria-describedby={saveError ? "save-search-error" : undefined}>
                {t("search.save")}
              </Button>
            </Form>
          ) : null
        }
      />
      {saveError ? (
        <p id="save-search-error" role="alert" className="-mt-4 mb-6 rounded-lg border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {saveError}
        </p>
      ) : null}
      <div role="status">
        {result?.degraded || people?.degraded ? (
          <p className="mb-6 rounded-lg border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">{t("search.degraded")}</p>
        ) : null}
      </div>

      {q ? <SearchTabs q={q} tab={tab} peopleCount={people ? people.estimatedTotal : result?.people ? result.people.estimatedTotal : null} /> : null}

      {tab === "people" ? (
        people ? (
          <PeopleTab q={q} people={people} offset={offset} />
        ) : (
          <EmptyState title={t("search.people.promptTitle")} description={t("search.people.promptBody")} />
        )
      ) : result ? (
        <div className="grid gap-8 md:grid-cols-[14rem_1fr]">
          <FoldingFilters filters={filters}>
            <SearchSidebar filters={filters} facets={result.facets} spaceNames={result.spaceNames} />
          </FoldingFilters>
          <section aria-label={t("search.title")} className="min-w-0 space-y-4">
            <div className="flex flex-wrap items-center justify-between gap-3">
              <ResultCount count={result.estimatedTotal} />
            </div>
            <ActiveFilters filters={filters} spaceNames={result.spaceNames} />
            {result.people ? <PeoplePreview q={q} people={result.people.hits} total={result.people.estimatedTotal} /> : null}
            {result.hits.length === 0 ? (
              offset > 0 || result.people?.hits.length ? null : (
                <EmptyState
                  title={q ? t("search.noResultsTitle", { query: q }) : t("search.title")}
                  description={q ? t("search.noResultsBody") : t("search.noFilterResultsBody")}
                  headingLevel={3}
                />
              )
            ) : (
              <SearchHits hits={result.hits} locale={locale} />
            )}
            {result.nextOffset !== null ? <MoreResults filters={filters} nextOffset={result.nextOffset} /> : null}
          </section>
        </div>
      ) : (
        <EmptyState title={t("search.promptTitle")} description={t("search.promptBody")} />
      )}
    </>
  );
}
