import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { can, type LineFacts, type Viewer } from "~/policy/policy";
import { placeStage, type Maturity } from "./maturity";
import { TTA_BUCKETS } from "./rollup.server";
import { analyticsSettingsFor, type AnalyticsSettings } from "./settings.server";
import { complement, suppressMatrix, suppressPartition, sumPublished, type Atom, type Published } from "./suppress";
import { previousRange, type WeekRange } from "./weeks";

// The dashboards read only the weekly cells (never the content tables), apply small-group
// suppression per atom (group × week × metric), and build every figure as a sum of
// published atoms. Charts are plain tables (columns + rows): the SVG, the text alternative
// and the CSV export all come from the same rows.

export type Scope = { kind: "org" } | { kind: "line"; managerId: string };
export type ChartKind = "line" | "bar" | "heat" | "table";
export type Chart = { id: string; kind: ChartKind; columns: string[]; rows: (string | number | null)[][] };
export type Kpi = { key: string; value: number | null; previous: number | null; partial: boolean; unit?: "percent" | "minutes" | "hours" };
export type Dashboard = {
  scope: Scope["kind"];
  range: WeekRange;
  previous: WeekRange;
  k: number;
  kpis: Kpi[];
  charts: Chart[];
  maturity: { group: string; maturity: Maturity }[];
  coverage: { tagsWithFewExperts: string[]; tags: number } | null;
  /** true when any figure was withheld for privacy */
  suppressedAny: boolean;
};

type CellRow = { week: string; grp: string; metric: string; value: number; people: number };

const TEAM_METRICS = ["population", "wau", "active_days", "mau", "engaged", "contributors28", "contributions", "posts", "comments", "reactions", "questions", "answers", "q_answered"];
const CONTENT_METRICS = ["posts", "comments", "reactions", "questions", "answers"];
const ALL_METRICS = [...TEAM_METRICS, "q_accepted", "q_in_target", ...TTA_BUCKETS.map((_, b) => `tta_${b}`), "bp_nominated", "bp_approved", "bp_views", "bp_viewers"];
const QA_TIED = (m: string) => m.startsWith("q_") || m.startsWith("tta_");

async function readCells(db: DbOrTx, orgId: string, dim: string, from: string, to: string, opts: { grp?: string; metrics?: string[] } = {}) {
  const rows = await query<CellRow>(
    db,
    sql`select week::text as week, grp, metric, value, people from analytics_cells
        where org_id = ${orgId} and dim = ${dim} and week >= ${from}::date and week <= ${to}::date
        ${opts.grp !== undefined ? sql`and grp = ${opts.grp}` : sql``}
        ${opts.metrics ? sql`and metric in (${sql.join(opts.metrics.map((m) => sql`${m}`), sql`, `)})` : sql``}`,
  );
  // in place: a view reads ~6,000 cells
  for (const r of rows) {
    r.value = Number(r.value);
    r.people = Number(r.people);
  }
  return rows;
}

/** Index: week → grp → metric → cell. */
function index(rows: CellRow[]) {
  const m = new Map<string, Map<string, Map<string, CellRow>>>();
  for (const r of rows) {
    if (!m.has(r.week)) m.set(r.week, new Map());
    const w = m.get(r.week)!;
    if (!w.has(r.grp)) w.set(r.grp, new Map());
    w.get(r.grp)!.set(r.metric, r);
  }
  return m;
}

/**
 * Suppresses a dimension week by week: each metric's groups form one partition; Q&A figures
 * follow their group's questions; groups in `hidden` (spaces the viewer may not list) count
 * as suppressed so the published ones cannot be subtracted to reveal them.
 * Returns week → grp → metric → published atom.
 */
function publish(rows: CellRow[], weeks: string[], k: number, opts: { disjoint: boolean; populations: boolean; hidden?: Set<string>; metrics?: string[] }) {
  const idx = index(rows);
  const groups = [...new Set(rows.map((r) => r.grp))];
  // every metric the page shows, even one nobody contributed to: a zero of a small group is withheld too
  const metrics = [...new Set([...(opts.metrics ?? []), ...rows.map((r) => r.metric)])].filter((m) => m !== "population");
  const out = new Map<string, Map<string, Map<string, Published>>>();
  for (const week of weeks) {
    const w = idx.get(week) ?? new Map();
    const pw = new Map<string, Map<string, Published>>();
    out.set(week, pw);
    for (const g of groups) pw.set(g, new Map());
    const pop = (g: string) => (opts.populations ? (w.get(g)?.get("population")?.people ?? 0) : undefined);
    for (const metric of [...metrics, ...(opts.populations ? ["population"] : [])]) {
      const atoms: Atom[] = groups.map((g) => {
        const c = w.get(g)?.get(metric);
        return { grp: g, value: c?.value ?? 0, people: c?.people ?? 0, population: pop(g) };
      });
      const published = suppressPartition(atoms, k, opts.disjoint);
      for (const p of published) {
        if (opts.hidden?.has(p.grp)) p.suppressed = true;
        pw.get(p.grp)!.set(metric, p);
      }
      // a hidden group must not be recoverable by subtraction either
      if (opts.hidden?.size) complement(published, k, opts.disjoint);
    }
    for (const g of groups) {
      const gm = pw.get(g)!;
      const questions = gm.get("questions");
      for (const [metric, p] of gm) if (QA_TIED(metric) && (!questions || questions.suppressed)) p.suppressed = true;
    }
  }
  return out;
}

type Pub = ReturnType<typeof publish>;
const atomsOf = (pub: Pub, weeks: string[], grp: string, metric: string): Published[] =>
  weeks.map((w) => pub.get(w)?.get(grp)?.get(metric) ?? { grp, value: 0, people: 0, suppressed: false });
const at = (pub: Pub, week: string, grp: string, metric: string) => {
  const a = pub.get(week)?.get(grp)?.get(metric);
  return !a ? 0 : a.suppressed ? null : a.value;
};
const sum = (pub: Pub, weeks: string[], grp: string, metric: string) => sumPublished(atomsOf(pub, weeks, grp, metric));
const ratio = (n: number | null, d: number | null) => (n === null || d === null || d === 0 ? null : n / d);

/** Median time to first answer (minutes) from the merged histogram, interpolated within its bucket. */
export function histogramMedian(counts: number[]): number | null {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let b = 0; b < counts.length; b++) {
    if (seen + counts[b] >= total / 2) {
      const lo = b === 0 ? 0 : TTA_BUCKETS[b - 1];
      const hi = TTA_BUCKETS[b];
      if (!Number.isFinite(hi)) return lo;
      return lo + ((total / 2 - seen) / counts[b]) * (hi - lo);
    }
    seen += counts[b];
  }
  return null;
}

/** The range's headline figures for one group (org, line, or a department). */
function headline(pub: Pub, weeks: string[], grp: string, s: AnalyticsSettings) {
  const n = (m: string) => sum(pub, weeks, grp, m);
  const activeDays = n("active_days");
  const publishedWeeks = atomsOf(pub, weeks, grp, "active_days").filter((a) => !a.suppressed).length;
  const wauAtoms = atomsOf(pub, weeks, grp, "wau").filter((a) => !a.suppressed);
  const last = weeks[weeks.length - 1];
  const questions = n("questions");
  const answered = n("q_answered");
  const hist = TTA_BUCKETS.map((_, b) => n(`tta_${b}`).value ?? 0);
  return {
    avgDau: activeDays.value === null || publishedWeeks === 0 ? null : activeDays.value / (7 * publishedWeeks),
    wau: wauAtoms.length ? wauAtoms.reduce((x, a) => x + a.value, 0) / wauAtoms.length : null,
    mau: at(pub, last, grp, "mau"),
    engaged: at(pub, last, grp, "engaged"),
    population: at(pub, last, grp, "population"),
    contributors28: at(pub, last, grp, "contributors28"),
    posts: n("posts"),
    comments: n("comments"),
    reactions: n("reactions"),
    questions,
    answers: n("answers"),
    contributions: n("contributions"),
    answerRate: ratio(answered.value, questions.value),
    acceptedRate: ratio(n("q_accepted").value, questions.value),
    withinTarget: ratio(n("q_in_target").value, answered.value),
    unanswered: questions.value === null ? null : questions.value - (answered.value ?? 0),
    medianMinutes: histogramMedian(hist),
    timeSavedHours: answered.value === null ? null : (answered.value * s.minutesPerAnswer) / 60,
  };
}

const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
const round = (x: number | null, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Builds the dashboard for a scope the caller has already authorized. Reads only weekly cells. */
export async function buildDashboard(db: DbOrTx, viewer: Viewer, orgId: string, scope: Scope, range: WeekRange): Promise<Dashboard> {
  const prev = previousRange(range);
  const [dim, grp] = scope.kind === "org" ? ["org", "all"] : ["line", scope.managerId];
  const isOrg = scope.kind === "org";
  // every read at once: each is an index range scan, none depends on another
  const [settings, main, departments, regions, matrix, tags, spaceRows, spaceTotals] = await Promise.all([
    analyticsSettingsFor(db, orgId),
    readCells(db, orgId, dim, prev.from, range.to, { grp }),
    isOrg ? readCells(db, orgId, "department", range.from, range.to, { metrics: [...TEAM_METRICS, "q_accepted"] }) : [],
    isOrg ? readCells(db, orgId, "region", range.from, range.to, { metrics: TEAM_METRICS }) : [],
    isOrg ? readCells(db, orgId, "matrix", range.from, range.to) : [],
    isOrg ? readCells(db, orgId, "tag", range.to, range.to) : [],
    isOrg
      ? query<{ id: string; name: string; visibility: string; allowed_departments: string[] }>(db, sql`select id, name, visibility, allowed_departments from spaces where org_id = ${orgId}`)
      : [],
    isOrg ? spaceBreakdown(db, orgId, range) : [],
  ]);
  const k = settings.minGroupSize;
  const allWeeks = [...prev.weeks, ...range.weeks];
  const mainPub = publish(main, allWeeks, k, { disjoint: true, populations: true, metrics: ALL_METRICS });
  const cur = headline(mainPub, range.weeks, grp, settings);
  const before = headline(mainPub, prev.weeks, grp, settings);
  let suppressedAny = false;
  const note = (p: { partial: boolean } | null) => (p?.partial ? (suppressedAny = true) : false);

  const kpi = (key: keyof typeof cur, unit?: Kpi["unit"]): Kpi => {
    const a = cur[key];
    const b = before[key];
    const val = (x: typeof a) => (x === null ? null : typeof x === "number" ? x : x.value);
    const partial = typeof a === "object" && a !== null ? a.partial : false;
    note({ partial });
    const scale = (x: number | null) => (unit === "percent" ? pct(x) : round(x));
    return { key, value: scale(val(a)), previous: scale(val(b)), partial, unit };
  };
  const kpis: Kpi[] = [
    kpi("avgDau"), kpi("wau"), kpi("mau"), kpi("engaged"),
    kpi("posts"), kpi("comments"), kpi("reactions"), kpi("questions"), kpi("answers"),
    kpi("answerRate", "percent"), kpi("acceptedRate", "percent"), kpi("medianMinutes", "minutes"), kpi("withinTarget", "percent"),
    kpi("unanswered"), kpi("timeSavedHours", "hours"),
  ];
  if (kpis.some((x) => x.value === null)) suppressedAny = true;

  const weekly = (metric: string, weeks: string[]) => weeks.map((w) => at(mainPub, w, grp, metric));
  const charts: Chart[] = [];
  const prevWau = weekly("wau", prev.weeks);
  charts.push({
    id: "activity",
    kind: "line",
    columns: ["week", "avgDau", "wau", "mau", "engaged", "wauPrevious"],
    rows: range.weeks.map((w, i) => {
      const days = at(mainPub, w, grp, "active_days");
      return [w, days === null ? null : round(days / 7), at(mainPub, w, grp, "wau"), at(mainPub, w, grp, "mau"), at(mainPub, w, grp, "engaged"), prevWau[i] ?? null];
    }),
  });
  charts.push({ id: "content", kind: "line", columns: ["week", ...CONTENT_METRICS], rows: range.weeks.map((w) => [w, ...CONTENT_METRICS.map((m) => at(mainPub, w, grp, m))]) });
  charts.push({
    id: "qa",
    kind: "line",
    columns: ["week", "answerRate", "acceptedRate", "withinTarget"],
    rows: range.weeks.map((w) => {
      const h = headline(mainPub, [w], grp, settings);
      return [w, pct(h.answerRate), pct(h.acceptedRate), pct(h.withinTarget)];
    }),
  });
  for (const c of charts) if (c.rows.some((r) => r.slice(1).some((v) => v === null))) suppressedAny = true;

  const maturity: Dashboard["maturity"] = [];
  const cross = new Map<string, { cross: number; total: number }>();
  let coverage: Dashboard["coverage"] = null;

  if (isOrg) {
    // breakdowns by department and region (disjoint groups of people)
    for (const [id, rows] of [["departments", departments], ["regions", regions]] as const) {
      const pub = publish(rows, range.weeks, k, { disjoint: true, populations: true, metrics: [...TEAM_METRICS, "q_accepted"] });
      const groups = [...new Set(rows.map((r) => r.grp))].sort();
      const heads = new Map(groups.map((g) => [g, headline(pub, range.weeks, g, settings)]));
      const chartRows = groups.map((g) => {
        const h = heads.get(g)!;
        note(h.contributions);
        return [g, h.population, round(h.wau), h.contributions.value, h.posts.value, h.comments.value, h.reactions.value, h.questions.value, h.answers.value, pct(h.answerRate)];
      });
      if (chartRows.some((r) => r.slice(1).some((v) => v === null))) suppressedAny = true;
      charts.push({ id, kind: "bar", columns: ["group", "population", "wau", "contributions", "posts", "comments", "reactions", "questions", "answers", "answerRate"], rows: chartRows });
      if (id === "departments") {
        for (const g of groups) maturity.push({ group: g, maturity: placeStage(maturityInputs(heads.get(g)!, null)) });
      }
    }
    // spaces: suppressed once for every viewer in the rollup (analytics_space_weeks); a space
    // this viewer may not list is left out, which only widens what they cannot see
    const listable = new Set(
      spaceRows
        .filter((s) => can(viewer, "list", { kind: "space", id: s.id, orgId, visibility: s.visibility as "open", joinPolicy: "open", allowedDepartments: s.allowed_departments ?? [] }))
        .map((s) => s.id),
    );
    const names = new Map(spaceRows.map((s) => [s.id, s.name]));
    const spaceRowsOut = spaceTotals
      .filter((r) => listable.has(r.space_id))
      .slice(0, TOP_SPACES)
      .map((r) => {
        const v = (x: number | null) => (x === null ? null : Number(x));
        note({ partial: r.contributions_partial });
        return [names.get(r.space_id) ?? r.space_id, v(r.contributions), v(r.posts), v(r.questions), pct(ratio(v(r.answered), v(r.questions)))];
      });
    charts.push({ id: "spaces", kind: "bar", columns: ["group", "contributions", "posts", "questions", "answerRate"], rows: spaceRowsOut });

    // the interaction matrix: who answers, comments on and reacts to whom, department by department
    // one pass over the cells: by week (in the order read), each "from\u0001to" split once
    const byWeek = new Map<string, { grp: string; row: string; col: string; value: number; people: number }[]>();
    const deptNames = new Set<string>();
    for (const r of matrix) {
      const [row, col] = r.grp.split("\u0001");
      deptNames.add(row).add(col);
      const cells = byWeek.get(r.week);
      const cell = { grp: r.grp, row, col, value: r.value, people: r.people };
      if (cells) cells.push(cell);
      else byWeek.set(r.week, [cell]);
    }
    const cellSums = new Map<string, Published[]>();
    for (const w of range.weeks) {
      for (const p of suppressMatrix(byWeek.get(w) ?? [], k)) {
        const atoms = cellSums.get(p.grp);
        if (atoms) atoms.push(p);
        else cellSums.set(p.grp, [p]);
      }
    }
    const depts = [...deptNames].sort();
    const heat: Chart["rows"] = [];
    for (const from of depts) {
      for (const to of depts) {
        const atoms = cellSums.get(`${from}\u0001${to}`);
        if (!atoms) continue;
        const s = sumPublished(atoms);
        note(s);
        heat.push([from, to, s.value]);
        if (s.value !== null) {
          const c = cross.get(from) ?? { cross: 0, total: 0 };
          c.total += s.value;
          if (from !== to) c.cross += s.value;
          cross.set(from, c);
        }
      }
    }
    charts.push({ id: "matrix", kind: "heat", columns: ["from", "to", "interactions"], rows: heat });
    for (const m of maturity) {
      const c = cross.get(m.group);
      m.maturity = placeStage({ ...m.maturity.inputs, crossShare: c && c.total > 0 ? c.cross / c.total : null });
    }

    // best-practice funnel
    const f = (m: string) => sum(mainPub, range.weeks, grp, m).value;
    charts.push({ id: "funnel", kind: "bar", columns: ["stage", "count"], rows: [["nominated", f("bp_nominated")], ["approved", f("bp_approved")], ["views", f("bp_views")]] });

    // expert coverage at the end of the range: tags with fewer than 2 experts (no counts, no names)
    const few = tags.filter((t) => t.metric === "experts" && t.value < 2).map((t) => t.grp).sort();
    coverage = { tagsWithFewExperts: few, tags: tags.filter((t) => t.metric === "experts").length };
  }
  // the organisation (or the line) itself
  const all = [...cross.values()].reduce((s, c) => ({ cross: s.cross + c.cross, total: s.total + c.total }), { cross: 0, total: 0 });
  maturity.unshift({ group: isOrg ? "organisation" : "line", maturity: placeStage(maturityInputs(cur, isOrg && all.total > 0 ? all.cross / all.total : null)) });
  charts.push({
    id: "maturity",
    kind: "table",
    columns: ["group", "stage", "engagedRate", "contributorRate", "answerRate", "crossShare"],
    rows: maturity.map((m) => [m.group, m.maturity.stage, pct(m.maturity.inputs.engagedRate), pct(m.maturity.inputs.contributorRate), pct(m.maturity.inputs.answerRate), pct(m.maturity.inputs.crossShare)]),
  });
  return { scope: scope.kind, range, previous: prev, k, kpis, charts, maturity, coverage, suppressedAny };
}

const TOP_SPACES = 15;

type SpaceTotal = { space_id: string; contributions: number | null; posts: number | null; questions: number | null; answered: number | null; contributions_partial: boolean };

/**
 * The space breakdown over the range: sums of the weekly atoms the rollup already suppressed
 * (a withheld week is null, so it is never part of a total), busiest spaces first.
 */
function spaceBreakdown(db: DbOrTx, orgId: string, range: WeekRange) {
  return query<SpaceTotal>(
    db,
    sql`select space_id, sum(contributions) as contributions, sum(posts) as posts, sum(questions) as questions, sum(answered) as answered,
          bool_or(contributions_partial) as contributions_partial
        from analytics_space_weeks
        where org_id = ${orgId} and week >= ${range.from}::date and week <= ${range.to}::date
        group by space_id
        order by coalesce(sum(contributions), -1) desc, space_id`,
  );
}

function maturityInputs(h: ReturnType<typeof headline>, crossShare: number | null) {
  return {
    engagedRate: ratio(h.engaged, h.population),
    contributorRate: ratio(h.contributors28, h.population),
    answerRate: h.answerRate,
    crossShare,
  };
}

/** How many people report to `managerId`, directly or not (cycle-safe). */
export async function lineFacts(db: DbOrTx, orgId: string, managerId: string): Promise<LineFacts> {
  const [r] = await query<{ n: number }>(
    db,
    sql`with recursive line(id, depth) as (
          select id, 1 from users where org_id = ${orgId} and manager_id = ${managerId} and status = 'active' and id <> ${managerId}
          union
          select u.id, l.depth + 1 from users u join line l on u.manager_id = l.id where u.org_id = ${orgId} and u.status = 'active' and l.depth < 50 and u.id <> ${managerId}
        ) select count(distinct id)::int as n from line`,
  );
  return { kind: "line", orgId, managerId, reports: Number(r?.n ?? 0) };
}

/** CSV of one chart's rows (RFC 4180 quoting; a withheld figure is an empty field). */
export function chartCsv(chart: Chart, header: string[]): string {
  const cell = (v: string | number | null) => {
    if (v === null) return "";
    const s = String(v);
    // neutralise spreadsheet formulas in labels (group names come from user data)
    const safe = /^[=+\-@\t\r]/.test(s) && typeof v === "string" ? `'${s}` : s;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...chart.rows].map((r) => r.map(cell).join(",")).join("\r\n") + "\r\n";
}
