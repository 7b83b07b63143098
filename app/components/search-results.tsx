import { Form, useSubmit } from "@remix-run/react";
import { Link } from "~/components/link";
import { useHydrated } from "~/components/use-hydrated";
import { SlidersHorizontal, UserRound } from "lucide-react";
import { useState, type ReactNode } from "react";
import { numberFormat, useT, type Locale, type MessageKey } from "~/i18n";
import type { FacetCounts, HitView } from "~/knowledge/search-pages.server";
import type { PeopleResult, PersonHit } from "~/people/people-search.server";
import { plural, PostTime } from "./post-card";
import { Button, buttonClasses, Card, cx, EmptyState } from "./ui";
import { oneByteHtml } from "~/utils/one-byte-html";

// The search page's pieces: facet sidebar (a GET form, so it works without
// JavaScript), sort and date switches, active filters, and the hit list.

export const SEARCH_KINDS = ["post", "question", "answer", "best_practice", "comment"] as const;
export const SINCE_PRESETS = ["7d", "30d", "365d"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
export type SincePreset = (typeof SINCE_PRESETS)[number];
export type FacetName = "kind" | "space" | "tag" | "dept" | "topic";
export const FACET_NAMES: readonly FacetName[] = ["kind", "space", "tag", "dept", "topic"];

export type SearchFilters = Record<FacetName, string[]> & { q: string; since: SincePreset | null; sort: "relevance" | "date" };

/** The /search URL for `f`; page offsets are dropped because every change starts a new search. */
export function searchHref(f: SearchFilters, change: Partial<SearchFilters> = {}): string {
  const next = { ...f, ...change };
  const params = new URLSearchParams();
  if (next.q) params.set("q", next.q);
  for (const name of FACET_NAMES) for (const v of next[name]) params.append(name, v);
  if (next.since) params.set("since", next.since);
  if (next.sort !== "relevance") params.set("sort", next.sort);
  const qs = params.toString();
  return qs ? `/search?${qs}` : "/search";
}

const FACET_TITLE: Record<FacetName, MessageKey> = {
  kind: "search.facet.kind",
  space: "search.facet.space",
  tag: "search.facet.tag",
  dept: "search.facet.dept",
  topic: "search.facet.topic",
};

export const kindLabel = (kind: string): MessageKey =>
  (SEARCH_KINDS as readonly string[]).includes(kind) ? (`search.kind.${kind as SearchKind}` as const) : "search.kind.post";

function useFacetLabel(spaceNames: Record<string, string>) {
  const { t } = useT();
  return (name: FacetName, value: string) =>
    name === "kind" ? t(kindLabel(value)) : name === "space" ? spaceNames[value] ?? value : name === "tag" ? `#${value}` : value;
}

type Option = { value: string; count: number | null };

/** Facet values with counts (most frequent first), plus the active ones the counts may not list. */
function facetOptions(name: FacetName, facets: FacetCounts | null, active: string[]): Option[] {
  const counts = facets?.[name] ?? {};
  const ranked = Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 12)
    .map(([value, count]) => ({ value, count }));
  // Without counts (reduced mode) the kinds are still a known, short list.
  const base = !facets && name === "kind" ? SEARCH_KINDS.map((value) => ({ value, count: null })) : ranked;
  const seen = new Set(base.map((o) => o.value));
  return [...base, ...active.filter((v) => !seen.has(v)).map((value) => ({ value, count: counts[value] ?? null }))];
}

/**
 * On a phone the filters fold behind a button so the first result is on screen; from the
 * md breakpoint they are always shown beside the results. Without JavaScript the button is a
 * link to the panel, which `:target` opens.
 */
export function FoldingFilters({ filters, children }: { filters: SearchFilters; children: ReactNode }) {
  const { t } = useT();
  const [open, setOpen] = useState(false);
  const active = FACET_NAMES.reduce((n, name) => n + filters[name].length, 0) + (filters.since ? 1 : 0);
  return (
    <div>
      <a
        href="#search-filters"
        role="button"
        aria-expanded={open}
        aria-controls="search-filters"
        onClick={(e) => {
          e.preventDefault();
          setOpen((o) => !o);
        }}
        className={cx(buttonClasses({ variant: "secondary", size: "sm" }), "md:hidden")}
      >
        <SlidersHorizontal aria-hidden="true" className="size-4" />
        {active > 0 ? t("search.filtersToggleActive", { count: active }) : t("search.filtersToggle")}
      </a>
      <div id="search-filters" className={cx(open ? "block" : "hidden", "mt-4 target:block md:mt-0 md:block")}>
        {children}
      </div>
    </div>
  );
}

export function SearchSidebar({ filters, facets, spaceNames }: { filters: SearchFilters; facets: FacetCounts | null; spaceNames: Record<string, string> }) {
  const { t, locale } = useT();
  const submit = useSubmit();
  const label = useFacetLabel(spaceNames);
  const hydrated = useHydrated();
  return (
    <aside aria-labelledby="search-filters-title" className="space-y-6">
      <h2 id="search-filters-title" className="text-sm font-semibold text-slate-900">
        {t("search.filters")}
      </h2>
      <SwitchGroup
        title={t("search.sort.label")}
        options={(["relevance", "date"] as const).map((s) => ({
          key: s,
          label: t(`search.sort.${s}`),
          href: searchHref(filters, { sort: s }),
          current: filters.sort === s,
        }))}
      />
      <SwitchGroup
        title={t("search.facet.date")}
        options={[null, ...SINCE_PRESETS].map((s) => ({
          key: s ?? "any",
          label: t(s ? (`search.since.${s}` as const) : "search.since.any"),
          href: searchHref(filters, { since: s }),
          current: filters.since === s,
        }))}
      />
      {/* Checkboxes narrow on change; without JavaScript the Apply button submits. */}
      <Form method="get" action="/search" className="space-y-5" onChange={(e) => submit(e.currentTarget)}>
        {filters.q ? <input type="hidden" name="q" value={filters.q} /> : null}
        {filters.since ? <input type="hidden" name="since" value={filters.since} /> : null}
        {filters.sort !== "relevance" ? <input type="hidden" name="sort" value={filters.sort} /> : null}
        {FACET_NAMES.map((name) => {
          const options = facetOptions(name, facets, filters[name]);
          if (!options.length) return null;
          return (
            <fieldset key={name} className="space-y-1.5">
              <legend className="mb-1 text-xs font-semibold tracking-wide text-slate-500 uppercase">{t(FACET_TITLE[name])}</legend>
              {options.map((o) => (
                <label key={o.value} className="flex cursor-pointer items-center gap-2 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name={name}
                    value={o.value}
                    defaultChecked={filters[name].includes(o.value)}
                    className="size-4 rounded border-slate-300"
                  />
                  <span className="min-w-0 flex-1 truncate">{label(name, o.value)}</span>
                  {o.count !== null ? <span className="text-xs text-slate-500 tabular-nums">{numberFormat(locale).format(o.count)}</span> : null}
                </label>
              ))}
            </fieldset>
          );
        })}
        {!facets ? <p className="text-xs text-slate-500">{t("search.facet.countsUnavailable")}</p> : null}
        <Button type="submit" variant="secondary" size="sm" className={cx(hydrated && "sr-only")}>
          {t("search.applyFilters")}
        </Button>
      </Form>
    </aside>
  );
}

function SwitchGroup({ title, options }: { title: string; options: Array<{ key: string; label: string; href: string; current: boolean }> }) {
  return (
    <nav aria-label={title} className="space-y-1.5">
      <p className="text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</p>
      <ul className="flex flex-wrap gap-1">
        {options.map((o) => (
          <li key={o.key}>
            <Link
              to={o.href}
              aria-current={o.current ? "true" : undefined}
              className={cx(
                "inline-flex h-7 items-center rounded-full border px-2.5 text-xs font-medium",
                o.current ? "border-brand-300 bg-brand-50 text-brand-800" : "border-slate-200 bg-white text-slate-600 hover:bg-slate-50"
              )}
            >
              {o.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function ActiveFilters({ filters, spaceNames }: { filters: SearchFilters; spaceNames: Record<string, string> }) {
  const { t } = useT();
  const label = useFacetLabel(spaceNames);
  const chips = FACET_NAMES.flatMap((name) => filters[name].map((value) => ({ name, value, text: label(name, value) })));
  const since = filters.since;
  if (!chips.length && !since) return null;
  return (
    <nav aria-label={t("search.activeFilters")} className="flex flex-wrap items-center gap-2">
      {chips.map((c) => (
        <Chip
          key={`${c.name}:${c.value}`}
          text={c.text}
          label={t("search.removeFilter", { label: c.text })}
          href={searchHref(filters, { [c.name]: filters[c.name].filter((v) => v !== c.value) })}
        />
      ))}
      {since ? (
        <Chip
          text={t(`search.since.${since}`)}
          label={t("search.removeFilter", { label: t(`search.since.${since}`) })}
          href={searchHref(filters, { since: null })}
        />
      ) : null}
      <Link
        to={searchHref({ ...filters, kind: [], space: [], tag: [], dept: [], topic: [], since: null })}
        className="text-xs font-medium text-brand-700 hover:underline"
      >
        {t("search.clearFilters")}
      </Link>
    </nav>
  );
}

function Chip({ text, label, href }: { text: string; label: string; href: string }) {
  return (
    <Link
      to={href}
      aria-label={label}
      title={label}
      className="inline-flex h-7 items-center gap-1 rounded-full bg-slate-100 pr-2 pl-3 text-xs font-medium text-slate-700 hover:bg-slate-200"
    >
      {text}
      <span aria-hidden="true" className="text-slate-500">
        ×
      </span>
    </Link>
  );
}

/** Styles for the server-escaped highlight: plain text plus <mark>. */
export const highlightClasses =
  "text-sm leading-relaxed break-words text-slate-700 [&_mark]:rounded-sm [&_mark]:bg-amber-100 [&_mark]:px-0.5 [&_mark]:text-slate-900";

export function SearchHits({ hits, locale }: { hits: HitView[]; locale: Locale }) {
  const { t } = useT();
  return (
    <ol className="space-y-3">
      {hits.map((hit) => (
        <li key={hit.id}>
          <article aria-label={t("search.resultBy", { name: hit.author.name })}>
            <Card className="space-y-2 p-4">
              <header className="flex flex-wrap items-center gap-x-1.5 gap-y-1 text-xs text-slate-500">
                <Link to={`/people/${hit.author.id}`} className="text-sm font-semibold text-slate-900 hover:underline">
                  {hit.author.name}
                </Link>
                <span aria-hidden="true">·</span>
                {hit.space ? (
                  <Link to={`/spaces/${hit.space.slug}`} className="font-medium text-slate-600 hover:underline">
                    {hit.space.name}
                  </Link>
                ) : (
                  <span className="font-medium text-slate-600">{t("search.orgWide")}</span>
                )}
                <span aria-hidden="true">·</span>
                <PostTime iso={hit.createdAt} locale={locale} />
                <span className="ml-auto rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700">{t(kindLabel(hit.kind))}</span>
              </header>
              <Link to={hit.href} className="block rounded-md hover:bg-slate-50">
                {/* Escaped on the server (safeHighlight): text plus our own <mark> tags only. */}
                <p className={highlightClasses} dangerouslySetInnerHTML={{ __html: oneByteHtml(hit.highlight) }} />
              </Link>
            </Card>
          </article>
        </li>
      ))}
    </ol>
  );
}

export function ResultCount({ count }: { count: number }) {
  const { t, locale } = useT();
  return (
    <p className="text-sm text-slate-600">
      {t(plural(locale, count, "search.count.one", "search.count.other"), { count: numberFormat(locale).format(count) })}
    </p>
  );
}

export function MoreResults({ filters, nextOffset }: { filters: SearchFilters; nextOffset: number }) {
  const { t } = useT();
  const href = `${searchHref(filters)}${searchHref(filters).includes("?") ? "&" : "?"}offset=${nextOffset}`;
  return (
    <div className="flex justify-center">
      <Link to={href} className={buttonClasses({ variant: "secondary" })}>
        {t("search.more")}
      </Link>
    </div>
  );
}

// ---------- people ----------

export type SearchTab = "all" | "people";

/** The /search URL of a tab for query `q` (a tab change starts a new search). */
export function tabHref(q: string, tab: SearchTab, offset = 0): string {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (tab === "people") params.set("in", "people");
  if (offset > 0) params.set("offset", String(offset));
  const qs = params.toString();
  return qs ? `/search?${qs}` : "/search";
}

/** "All results" and "People": the People tab pages through every person found. */
export function SearchTabs({ q, tab, peopleCount }: { q: string; tab: SearchTab; peopleCount: number | null }) {
  const { t, locale } = useT();
  const tabs: Array<{ key: SearchTab; label: string }> = [
    { key: "all", label: t("search.tab.all") },
    {
      key: "people",
      label: peopleCount !== null ? t("search.tab.peopleCount", { count: numberFormat(locale).format(peopleCount) }) : t("search.tab.people"),
    },
  ];
  return (
    <nav aria-label={t("search.tabs")} className="mb-6 border-b border-slate-200">
      <ul className="-mb-px flex gap-4">
        {tabs.map((x) => (
          <li key={x.key}>
            <Link
              to={tabHref(q, x.key)}
              aria-current={tab === x.key ? "page" : undefined}
              className={cx(
                "inline-flex h-9 items-center border-b-2 px-1 text-sm font-medium",
                tab === x.key ? "border-brand-600 text-brand-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900"
              )}
            >
              {x.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/**
 * One person found: name (to the profile), job title, department and region, declared skills.
 * `phoneLimit`: on a phone only the first few show (the content results stay on the first
 * screen; the People tab, with its count, lists everyone).
 */
export function PeopleHits({ people, phoneLimit }: { people: PersonHit[]; phoneLimit?: number }) {
  const { t } = useT();
  return (
    <ul className="grid gap-3 sm:grid-cols-2" data-testid="people-hits">
      {people.map((p, i) => (
        <li key={p.id} className={phoneLimit !== undefined && i >= phoneLimit ? "hidden sm:block" : undefined}>
          <Card className="h-full space-y-1.5 p-4">
            <Link to={`/people/${p.id}`} className="flex items-center gap-1.5 text-sm font-semibold text-slate-900 hover:underline">
              <UserRound aria-hidden="true" className="size-4 shrink-0 text-slate-500" />
              {p.name}
            </Link>
            {p.title ? <p className="text-sm text-slate-700">{p.title}</p> : null}
            <p className="text-xs text-slate-500">{[p.department, p.region].filter(Boolean).join(" · ")}</p>
            {p.skills.length ? (
              <ul aria-label={t("search.people.skills")} className="flex flex-wrap gap-1 pt-1">
                {p.skills.slice(0, 6).map((s) => (
                  <li key={s} className="rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                    {s}
                  </li>
                ))}
              </ul>
            ) : null}
          </Card>
        </li>
      ))}
    </ul>
  );
}

/** The first people found, above the content hits on the "All results" tab. */
export function PeoplePreview({ q, people, total }: { q: string; people: PersonHit[]; total: number }) {
  const { t, locale } = useT();
  if (!people.length) return null;
  return (
    <section aria-labelledby="search-people-title" className="space-y-3">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="search-people-title" className="text-sm font-semibold text-slate-900">
          {t("search.people.title")}
        </h2>
        {total > people.length ? (
          <Link to={tabHref(q, "people")} className="text-sm font-medium text-brand-700 hover:underline">
            {t(plural(locale, total, "search.people.seeAll.one", "search.people.seeAll.other"), { count: numberFormat(locale).format(total) })}
          </Link>
        ) : null}
      </div>
      <PeopleHits people={people} phoneLimit={2} />
    </section>
  );
}

/** The People tab: how many, one page of people, and the next page. */
export function PeopleTab({ q, people, offset }: { q: string; people: Omit<PeopleResult, "degraded">; offset: number }) {
  const { t, locale } = useT();
  return (
    <section aria-label={t("search.people.title")} className="space-y-4">
      <p className="text-sm text-slate-600">
        {t(plural(locale, people.estimatedTotal, "search.people.count.one", "search.people.count.other"), {
          count: numberFormat(locale).format(people.estimatedTotal),
        })}
      </p>
      {people.hits.length === 0 ? (
        offset > 0 ? null : <EmptyState title={t("search.people.none", { query: q })} description={t("search.people.noneBody")} headingLevel={3} />
      ) : (
        <PeopleHits people={people.hits} />
      )}
      {people.nextOffset !== null ? (
        <div className="flex justify-center">
          <Link to={tabHref(q, "people", people.nextOffset)} className={buttonClasses({ variant: "secondary" })}>
            {t("search.people.more")}
          </Link>
        </div>
      ) : null}
    </section>
  );
}
