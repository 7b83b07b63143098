import { sql, type SQL } from "drizzle-orm";
import { query, type Db, type DbOrTx, type Tx } from "~/db/client.server";
import { now } from "~/utils/clock.server";
import { analyticsSettingsFor } from "./settings.server";
import { suppressPartition, type Published } from "./suppress";
import { addDays, parseDay, weekOf } from "./weeks";

// The weekly rollup: every cell of one org × one ISO week, recomputed from the source
// tables (content, reactions, activity days, accepted answers, best-practice funnel) in one
// transaction. Recomputing a whole week is idempotent, so any instance may run it at any
// time; a transaction-scoped advisory lock keeps two instances off the same week.

const DAY = 86_400_000;
export const ENGAGED_MIN_DAYS = 10;
export const EXPERT_WINDOW_DAYS = 180;
/** Upper edges (minutes) of the time-to-first-answer histogram buckets; the last is open. */
export const TTA_BUCKETS = [15, 30, 60, 120, 240, 480, 1440, 2880, 10080, Infinity];

export type Dim = "org" | "department" | "region" | "space" | "line" | "matrix" | "tag";
export type CellRow = { dim: Dim; grp: string; metric: string; value: number; people: number };

type Cell = { value: number; people: Set<string>; distinct: boolean };
/** One group of one dimension, with its cells by metric (found once, then added to without building keys). */
type Group = { dim: Dim; grp: string; cells: Map<string, Cell> };

class Cells {
  private groups = new Map<string, Group>();
  group(dim: Dim, grp: string): Group {
    const key = `${dim}\u0000${grp}`;
    let g = this.groups.get(key);
    if (!g) this.groups.set(key, (g = { dim, grp, cells: new Map() }));
    return g;
  }
  private cell(g: Group, metric: string, distinct: boolean) {
    let c = g.cells.get(metric);
    if (!c) g.cells.set(metric, (c = { value: 0, people: new Set(), distinct }));
    return c;
  }
  /** a count of things, attributed to the person who did them */
  add(g: Group, metric: string, person: string, n = 1) {
    const c = this.cell(g, metric, false);
    c.value += n;
    c.people.add(person);
  }
  /** a count of people */
  person(g: Group, metric: string, person: string) {
    this.cell(g, metric, true).people.add(person);
  }
  /** a figure that exists even when zero (group sizes, tag coverage) */
  touch(g: Group, metric: string, distinct = true) {
    this.cell(g, metric, distinct);
  }
  rows(): CellRow[] {
    const out: CellRow[] = [];
    for (const g of this.groups.values()) {
      for (const [metric, c] of g.cells) out.push({ dim: g.dim, grp: g.grp, metric, value: c.distinct ? c.people.size : c.value, people: c.people.size });
    }
    return out;
  }
}

type UserRow = { id: string; department: string; region: string; manager_id: string | null; created_at: string | Date; status: string; deactivated_at: string | Date | null };
type Person = { department: string; region: string; lines: string[]; inPopulation: boolean };

const groupName = (s: string) => s.trim() || "—";

/** People of the org with their groups for the week: department, region and every manager above them. */
function people(users: UserRow[], weekEnd: Date): Map<string, Person> {
  const managerOf = new Map(users.map((u) => [u.id, u.manager_id]));
  const out = new Map<string, Person>();
  for (const u of users) {
    const lines: string[] = [];
    const seen = new Set([u.id]);
    for (let m = u.manager_id; m && managerOf.has(m) && !seen.has(m); m = managerOf.get(m) ?? null) {
      lines.push(m);
      seen.add(m);
    }
    const created = new Date(u.created_at).getTime() < weekEnd.getTime();
    const deactivated = u.deactivated_at ? new Date(u.deactivated_at).getTime() < weekEnd.getTime() : u.status !== "active";
    out.set(u.id, { department: groupName(u.department), region: groupName(u.region), lines, inPopulation: created && !deactivated });
  }
  return out;
}

/** The person dimensions a figure about `userId` counts in. */
function personGroups(p: Person | undefined): [Dim, string][] {
  if (!p) return [["org", "all"]];
  return [["org", "all"], ["department", p.department], ["region", p.region], ...p.lines.map((l): [Dim, string] => ["line", l])];
}

/** The TTA_BUCKETS index of a time to first answer in minutes (SQL), −1 when unanswered. */
function ttaBucketSql(minutes: SQL) {
  const edges = TTA_BUCKETS.slice(0, -1).map((edge, i) => sql`when ${minutes} <= ${edge} then ${i}`);
  return sql`(case when ${minutes} is null then -1 ${sql.join(edges, sql` `)} else ${TTA_BUCKETS.length - 1} end)::int`;
}

/** Computes every cell of one week from the source tables (no writes). */
export async function computeWeek(db: DbOrTx, orgId: string, week: string): Promise<CellRow[]> {
  const start = parseDay(week);
  const end = new Date(start.getTime() + 7 * DAY);
  const start28 = new Date(end.getTime() - 28 * DAY);
  const startExperts = new Date(end.getTime() - EXPERT_WINDOW_DAYS * DAY);
  const settings = await analyticsSettingsFor(db, orgId);
  const [s, e, s28, sx] = [start, end, start28, startExperts].map((d) => d.toISOString());

  const [users, activity, items, reacts, questions, writers28, accepted, questionTags, funnel] = await Promise.all([
    query<UserRow>(db, sql`select id, department, region, manager_id, created_at, status, deactivated_at from users where org_id = ${orgId}`),
    // days active per person: in the 28 days to the week's end, and in the week itself
    query<{ user_id: string; d28: number; week: number }>(
      db,
      sql`select user_id, count(*)::int as d28, (count(*) filter (where day >= ${week}::date))::int as week
          from analytics_activity where org_id = ${orgId} and day >= ${s28.slice(0, 10)}::date and day < ${e.slice(0, 10)}::date
          group by user_id`,
    ),
    // live content written this week, with the author of what it replies to — counted per
    // (kind, author, space, replied-to author) in SQL: a busy week is 10^5 rows, its groups far fewer
    query<{ kind: string; author_id: string; space_id: string | null; parent_author: string | null; n: number }>(
      db,
      sql`select c.kind, c.author_id, c.space_id, p.author_id as parent_author, count(*)::int as n
          from content c left join content p on p.id = c.parent_id
          where c.org_id = ${orgId} and c.created_at >= ${s}::timestamptz and c.created_at < ${e}::timestamptz and c.deleted_at is null
          group by 1, 2, 3, 4`,
    ),
    query<{ user_id: string; author_id: string; space_id: string | null; n: number }>(
      db,
      sql`select r.user_id, c.author_id, c.space_id, count(*)::int as n from reactions r join content c on c.id = r.content_id
          where r.created_at >= ${s}::timestamptz and r.created_at < ${e}::timestamptz and c.org_id = ${orgId} and c.deleted_at is null
          group by 1, 2, 3`,
    ),
    // the week's questions (a cohort): first live answer and whether one was accepted, as known now,
    // counted per (asker, space, answer-time bucket, accepted)
    query<{ author_id: string; space_id: string | null; bucket: number; in_target: boolean; accepted: boolean; n: number }>(
      db,
      sql`select author_id, space_id, bucket, in_target, accepted, count(*)::int as n from (
            select q.author_id, q.space_id, ${ttaBucketSql(sql.raw("f.minutes"))} as bucket,
              coalesce(f.minutes <= ${settings.answerTargetMinutes}, false) as in_target,
              exists (select 1 from analytics_accepted x where x.question_id = q.id) as accepted
            from content q
            left join lateral (select min(a.created_at) as first_answer from content a
              where a.parent_id = q.id and a.kind = 'answer' and a.deleted_at is null) fa on true
            -- at the millisecond, as the dates were compared before (JavaScript Dates)
            cross join lateral (select extract(epoch from date_trunc('milliseconds', fa.first_answer) - date_trunc('milliseconds', q.created_at)) / 60 as minutes) f
            where q.org_id = ${orgId} and q.kind = 'question' and q.created_at >= ${s}::timestamptz and q.created_at < ${e}::timestamptz and q.deleted_at is null
          ) x group by 1, 2, 3, 4, 5`,
    ),
    query<{ author_id: string }>(
      db,
      sql`select distinct author_id from content where org_id = ${orgId} and created_at >= ${s28}::timestamptz and created_at < ${e}::timestamptz and deleted_at is null`,
    ),
    query<{ author_id: string; tags: string[] | string }>(
      db,
      sql`select author_id, tags from analytics_accepted where org_id = ${orgId} and accepted_at >= ${sx}::timestamptz and accepted_at < ${e}::timestamptz`,
    ),
    query<{ tag: string }>(
      db,
      sql`select distinct t.tag from content_tags t join content q on q.id = t.content_id
          where t.org_id = ${orgId} and q.kind = 'question' and q.deleted_at is null and q.created_at >= ${sx}::timestamptz and q.created_at < ${e}::timestamptz`,
    ),
    query<{ stage: string; user_id: string }>(
      db,
      sql`select stage, user_id from analytics_discovery where org_id = ${orgId} and at >= ${s}::timestamptz and at < ${e}::timestamptz`,
    ),
  ]);

  const who = people(users, end);
  const cells = new Cells();
  // each person's groups, found once (a busy week adds to them ~10^5 times)
  const unknown = personGroups(undefined).map(([dim, grp]) => cells.group(dim, grp));
  const groupsByPerson = new Map<string, Group[]>();
  for (const [id, p] of who) groupsByPerson.set(id, personGroups(p).map(([dim, grp]) => cells.group(dim, grp)));
  const groupsOf = (id: string) => groupsByPerson.get(id) ?? unknown;
  const spaceGroups = new Map<string, Group>();
  const spaceGroup = (id: string) => {
    let g = spaceGroups.get(id);
    if (!g) spaceGroups.set(id, (g = cells.group("space", id)));
    return g;
  };
  const withSpace = (groups: Group[], spaceId: string | null) => (spaceId ? [...groups, spaceGroup(spaceId)] : groups);

  // group sizes (so a group of fewer than K people is withheld whatever its figures)
  for (const [id, p] of who) {
    if (!p.inPopulation) continue;
    for (const g of groupsOf(id)) cells.person(g, "population", id);
  }

  // activity: weekly actives, person-days, 28-day actives and engaged people at the week's end
  for (const d of activity) {
    for (const g of groupsOf(d.user_id)) {
      cells.person(g, "mau", d.user_id);
      if (d.d28 >= ENGAGED_MIN_DAYS) cells.person(g, "engaged", d.user_id);
      if (d.week > 0) {
        cells.person(g, "wau", d.user_id);
        cells.add(g, "active_days", d.user_id, d.week);
      }
    }
  }

  // contributions and interactions
  const metricOf: Record<string, string> = { post: "posts", comment: "comments", question: "questions", answer: "answers" };
  const interact = (actor: string, target: string | null, n: number) => {
    if (!target || target === actor) return;
    const a = who.get(actor);
    const t = who.get(target);
    if (!a || !t) return;
    const g = cells.group("matrix", `${a.department}\u0001${t.department}`);
    cells.add(g, "interactions", actor, n);
    // the targets count too: a cell needs K people on both sides (see rows())
    cells.person(g, "targets", target);
  };
  for (const c of items) {
    const metric = metricOf[c.kind];
    if (!metric) continue;
    for (const g of withSpace(groupsOf(c.author_id), c.space_id)) {
      cells.add(g, metric, c.author_id, c.n);
      cells.add(g, "contributions", c.author_id, c.n);
      cells.person(g, "contributors", c.author_id);
    }
    if (c.kind === "comment" || c.kind === "answer") interact(c.author_id, c.parent_author, c.n);
  }
  for (const r of reacts) {
    for (const g of withSpace(groupsOf(r.user_id), r.space_id)) cells.add(g, "reactions", r.user_id, r.n);
    interact(r.user_id, r.author_id, r.n);
  }
  for (const w of writers28) for (const g of groupsOf(w.author_id)) cells.person(g, "contributors28", w.author_id);

  // Q&A cohort: figures about the week's questions, attributed to their askers
  for (const q of questions) {
    const answered = q.bucket >= 0;
    for (const g of withSpace(groupsOf(q.author_id), q.space_id)) {
      if (answered) {
        cells.add(g, "q_answered", q.author_id, q.n);
        if (q.in_target) cells.add(g, "q_in_target", q.author_id, q.n);
        cells.add(g, `tta_${q.bucket}`, q.author_id, q.n);
      }
      if (q.accepted) cells.add(g, "q_accepted", q.author_id, q.n);
    }
  }

  // expert coverage: per tag, people with an accepted answer on it in the last 180 days
  for (const t of questionTags) cells.touch(cells.group("tag", t.tag), "experts");
  for (const a of accepted) {
    const tags = Array.isArray(a.tags) ? a.tags : a.tags.replace(/^\{|\}$/g, "").split(",").filter(Boolean);
    for (const tag of tags) cells.person(cells.group("tag", tag), "experts", a.author_id);
  }

  // best-practice funnel (org-wide)
  const stageMetric: Record<string, string> = { nominated: "bp_nominated", approved: "bp_approved", viewed: "bp_views" };
  const org = cells.group("org", "all");
  for (const f of funnel) {
    if (!stageMetric[f.stage]) continue;
    cells.add(org, stageMetric[f.stage], f.user_id);
    if (f.stage === "viewed") cells.person(org, "bp_viewers", f.user_id);
  }

  return finishMatrix(cells.rows());
}

/** A matrix cell's people = the smaller of its actors and its targets; the targets rows are folded in. */
function finishMatrix(rows: CellRow[]): CellRow[] {
  const targets = new Map(rows.filter((r) => r.dim === "matrix" && r.metric === "targets").map((r) => [r.grp, r.people]));
  return rows
    .filter((r) => !(r.dim === "matrix" && r.metric === "targets"))
    .map((r) => (r.dim === "matrix" ? { ...r, people: Math.min(r.people, targets.get(r.grp) ?? 0) } : r));
}

/** The space breakdown's figures: cell metric → column of analytics_space_weeks. */
export const SPACE_METRICS = { contributions: "contributions", posts: "posts", questions: "questions", q_answered: "answered" } as const;
export type SpaceWeek = { spaceId: string } & Record<(typeof SPACE_METRICS)[keyof typeof SPACE_METRICS], { value: number | null; partial: boolean }>;

/**
 * Suppresses one week's space cells once, for every viewer: per metric all spaces form one
 * partition (not disjoint: a person writes in many spaces, so the withheld remainder needs one
 * cell of at least K people); answered questions follow the space's questions. A space a
 * viewer may not list is then only left out of their page, which can only enlarge what they
 * do not know, so no viewer can subtract their way to a withheld cell.
 */
export function suppressSpaceWeek(rows: CellRow[], k: number): SpaceWeek[] {
  const cells = rows.filter((r) => r.dim === "space" && r.metric in SPACE_METRICS);
  const spaces = [...new Set(cells.map((r) => r.grp))].sort();
  const byKey = new Map(cells.map((r) => [`${r.grp}\u0000${r.metric}`, r]));
  const published = new Map<string, Published>();
  for (const metric of Object.keys(SPACE_METRICS)) {
    const atoms = spaces.map((grp) => {
      const c = byKey.get(`${grp}\u0000${metric}`);
      return { grp, value: c?.value ?? 0, people: c?.people ?? 0 };
    });
    for (const p of suppressPartition(atoms, k, false)) published.set(`${p.grp}\u0000${metric}`, p);
  }
  return spaces.map((spaceId) => {
    const out = { spaceId } as SpaceWeek;
    const questions = published.get(`${spaceId}\u0000questions`)!;
    for (const [metric, column] of Object.entries(SPACE_METRICS)) {
      const p = published.get(`${spaceId}\u0000${metric}`)!;
      const withheld = p.suppressed || (metric === "q_answered" && questions.suppressed);
      out[column] = { value: withheld ? null : p.value, partial: withheld && (p.value !== 0 || p.people > 0) };
    }
    return out;
  });
}

/** Recomputes and stores one week (idempotent). Returns the number of cells, or null if another instance holds the week. */
export async function rollupWeek(db: Db, orgId: string, week: string): Promise<number | null> {
  return db.transaction(async (tx: Tx) => {
    const [lock] = await query<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext(${`analytics:${orgId}:${week}`})) as ok`);
    if (!lock?.ok) return null;
    // claim the dirty mark first: a mark made while we compute survives for the next run
    await tx.execute(sql`delete from analytics_dirty where org_id = ${orgId} and week = ${week}::date`);
    const rows = await computeWeek(tx, orgId, week);
    const { minGroupSize } = await analyticsSettingsFor(tx, orgId);
    await tx.execute(sql`delete from analytics_cells where org_id = ${orgId} and week = ${week}::date`);
    await tx.execute(sql`delete from analytics_space_weeks where org_id = ${orgId} and week = ${week}::date`);
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await tx.execute(sql`insert into analytics_cells (org_id, dim, week, grp, metric, value, people) values ${sql.join(
        chunk.map((r) => sql`(${orgId}, ${r.dim}, ${week}::date, ${r.grp}, ${r.metric}, ${r.value}, ${r.people})`),
        sql`, `,
      )}`);
    }
    const spaces = suppressSpaceWeek(rows, minGroupSize);
    for (let i = 0; i < spaces.length; i += 1000) {
      await tx.execute(sql`insert into analytics_space_weeks (org_id, week, space_id, contributions, posts, questions, answered,
        contributions_partial, posts_partial, questions_partial, answered_partial) values ${sql.join(
          spaces.slice(i, i + 1000).map(
            (r) => sql`(${orgId}, ${week}::date, ${r.spaceId}, ${r.contributions.value}, ${r.posts.value}, ${r.questions.value}, ${r.answered.value},
              ${r.contributions.partial}, ${r.posts.partial}, ${r.questions.partial}, ${r.answered.partial})`,
          ),
          sql`, `,
        )}`);
    }
    return rows.length;
  });
}

/** Rolls up every week from `from` to `to` (Mondays), e.g. after a backfill. */
export async function rollupWeeks(db: Db, orgId: string, from: string, to: string) {
  for (let w = weekOf(from); w <= to; w = addDays(w, 7)) await rollupWeek(db, orgId, w);
}

/**
 * The periodic job: for every org, the current and the previous week (activity keeps
 * arriving) and every week an event marked dirty. Safe on every instance at once.
 */
export async function runAnalyticsRollups(db: Db, at: Date = now()) {
  const current = weekOf(at);
  const orgs = await query<{ id: string }>(db, sql`select id from orgs`);
  const dirty = await query<{ org_id: string; week: string }>(db, sql`select org_id, week::text as week from analytics_dirty`);
  let weeks = 0;
  for (const o of orgs) {
    const todo = new Set([current, addDays(current, -7), ...dirty.filter((d) => d.org_id === o.id).map((d) => d.week)]);
    for (const w of [...todo].sort()) if ((await rollupWeek(db, o.id, w)) !== null) weeks++;
  }
  return weeks;
}

/** Marks weeks for recomputation (the outbox consumer calls this in its transaction). */
export async function markDirty(tx: DbOrTx, orgId: string, days: (Date | string)[]) {
  const weeks = [...new Set(days.map((d) => weekOf(d instanceof Date ? d : new Date(d))))];
  if (weeks.length === 0) return;
  await tx.execute(sql`insert into analytics_dirty (org_id, week) values ${sql.join(
    weeks.map((w) => sql`(${orgId}, ${w}::date)`),
    sql`, `,
  )} on conflict do nothing`);
}
