import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { recordActivityOn } from "../../app/analytics/activity.server";
import { exportAnalyticsChart, myAnalytics, viewAnalytics } from "../../app/analytics/analytics.server";
import type { Dashboard } from "../../app/analytics/dashboard.server";
import { rollupWeeks } from "../../app/analytics/rollup.server";
import { suppressMatrix, suppressPartition, type Atom, type Published } from "../../app/analytics/suppress";
import { addDays, parseDay, weekOf } from "../../app/analytics/weeks";
import { getDb, query, type Db } from "../../app/db/client.server";
import { loadViewer } from "../../app/policy/viewer.server";
import { testClock } from "../../app/utils/clock.server";
import { makeOrg, makeUser } from "../../scripts/lib/factories";
import { rng } from "../../scripts/lib/rng";

// Small groups are withheld, including through the difference of two answers; a manager
// sees their own line only; every view and export is audited.

const DAY = 86_400_000;
const W1 = "2026-05-04";
const W2 = "2026-05-11";
const TODAY = new Date(parseDay(W2).getTime() + 9 * DAY); // W2 is the last complete week

let db: Db;
let orgId: string;
const ids: Record<string, string[]> = {};
let hr: string, manager: string, smallManager: string, alice: string;
const posts: { author: string; dept: string; week: string }[] = [];

describe("suppression rules", () => {
  it("withholds a group below K and hides it behind a complementary cell", () => {
    const out = suppressPartition(
      [
        { grp: "A", value: 40, people: 9, population: 10 },
        { grp: "B", value: 30, people: 6, population: 8 },
        { grp: "C", value: 7, people: 2, population: 3 },
      ],
      5,
      true,
    );
    expect(out.find((c) => c.grp === "C")!.suppressed).toBe(true);
    // total 77 minus the published cells must not give C's 7
    const published = out.filter((c) => !c.suppressed).reduce((s, c) => s + c.value, 0);
    expect(77 - published).not.toBe(7);
    expect(out.filter((c) => c.suppressed).reduce((s, c) => s + c.people, 0)).toBeGreaterThanOrEqual(5);
  });
  it("a matrix hides small cells along rows and columns", () => {
    const cells = [
      ["A", "A", 20, 8], ["A", "B", 3, 1], ["A", "C", 9, 6],
      ["B", "A", 12, 6], ["B", "B", 15, 7], ["B", "C", 11, 5],
    ].map(([row, col, value, people]) => ({ grp: `${row}${col}`, row: row as string, col: col as string, value: value as number, people: people as number }));
    const out = suppressMatrix(cells, 5);
    const hidden = out.filter((c) => c.suppressed).map((c) => c.grp).sort();
    expect(hidden).toContain("AB");
    // row A and column B each hide at least one more cell
    expect(hidden.filter((g) => g.startsWith("A")).length).toBeGreaterThanOrEqual(2);
    expect(hidden.filter((g) => g.endsWith("B")).length).toBeGreaterThanOrEqual(2);
  });

  it("the single-pass suppression withholds exactly what the rules as first written withheld", () => {
    // the rules written plainly (a filter and a sort a step, lines rebuilt every round): the
    // dashboard's suppression was rewritten for speed and must decide every cell the same way
    const primary = (a: Atom, k: number) => (a.population !== undefined && a.population < k) || (a.people > 0 && a.people < k);
    const complementRef = (cells: Published[], k: number, disjoint: boolean) => {
      let changed = false;
      const hiddenPeople = () => {
        const hidden = cells.filter((c) => c.suppressed && (c.people > 0 || c.value !== 0));
        if (hidden.length === 0) return null;
        return disjoint ? hidden.reduce((x, c) => x + c.people, 0) : Math.max(...hidden.map((c) => c.people));
      };
      for (let remainder = hiddenPeople(); remainder !== null && remainder < k; remainder = hiddenPeople()) {
        const next = cells.filter((c) => !c.suppressed && (c.people > 0 || c.value !== 0)).sort((a, b) => a.people - b.people || a.value - b.value || a.grp.localeCompare(b.grp))[0];
        if (!next) break;
        next.suppressed = true;
        changed = true;
      }
      return changed;
    };
    const partitionRef = (atoms: Atom[], k: number, disjoint: boolean) => {
      const out = atoms.map((a) => ({ ...a, suppressed: primary(a, k) }));
      complementRef(out, k, disjoint);
      return out;
    };
    const matrixRef = (cells: (Atom & { row: string; col: string })[], k: number) => {
      const out = cells.map((c) => ({ ...c, suppressed: primary(c, k) }));
      for (let changed = true, guard = 0; changed && guard < 100; guard++) {
        changed = false;
        for (const key of ["row", "col"] as const) {
          const lines = new Map<string, typeof out>();
          for (const c of out) lines.set(c[key], [...(lines.get(c[key]) ?? []), c]);
          for (const line of lines.values()) if (complementRef(line, k, false)) changed = true;
        }
      }
      return out;
    };
    const r = rng(20261202);
    const int = (n: number) => Math.floor(r() * n);
    // small people counts and many ties, so complements, ties and empty cells all happen
    const atom = (grp: string, populations: boolean): Atom => {
      const people = int(4) === 0 ? 0 : int(12);
      const value = people === 0 ? (int(5) === 0 ? int(3) : 0) : people + int(3) * int(20);
      return { grp, value, people, ...(populations ? { population: people + int(10) } : {}) };
    };
    let withheld = 0;
    let complemented = 0;
    for (let i = 0; i < 3000; i++) {
      const k = 3 + int(6);
      const disjoint = int(2) === 0;
      const atoms = Array.from({ length: 1 + int(12) }, (_, g) => atom(`g${int(3) === 0 ? g % 3 : g}`, int(2) === 0));
      const mine = suppressPartition(atoms, k, disjoint);
      const ref = partitionRef(atoms, k, disjoint);
      expect(mine.map((a) => a.suppressed), `partition ${i}`).toEqual(ref.map((a) => a.suppressed));
      withheld += ref.filter((a) => a.suppressed).length;
      complemented += ref.filter((a) => a.suppressed && !primary(a, k)).length;
    }
    for (let i = 0; i < 500; i++) {
      const k = 3 + int(6);
      const depts = Array.from({ length: 2 + int(8) }, (_, d) => `D${d}`);
      const cells = depts.flatMap((row) => depts.filter(() => int(5) > 0).map((col) => ({ ...atom(`${row}\u0001${col}`, false), row, col })));
      expect(suppressMatrix(cells, k).map((c) => c.suppressed), `matrix ${i}`).toEqual(matrixRef(cells, k).map((c) => c.suppressed));
    }
    // the cases were not trivial: plenty of cells withheld, many by complement
    expect(withheld).toBeGreaterThan(1000);
    expect(complemented).toBeGreaterThan(200);
  });
});

beforeAll(async () => {
  db = await getDb();
  const org = await makeOrg("Privacy Bank");
  orgId = org.id;
  hr = (await makeUser(orgId, { roles: ["hr", "member"], department: "HR", password: null })).id;
  alice = (await makeUser(orgId, { department: "Sales", password: null, name: "Alice Privacy" })).id;
  manager = (await makeUser(orgId, { department: "Sales", password: null })).id;
  smallManager = (await makeUser(orgId, { department: "Research", password: null })).id;
  ids.Sales = [];
  ids.Research = [];
  ids.Ops = [];
  for (let i = 0; i < 8; i++) ids.Sales.push((await makeUser(orgId, { department: "Sales", managerId: i < 6 ? manager : null, password: null })).id);
  for (let i = 0; i < 7; i++) ids.Research.push((await makeUser(orgId, { department: "Research", managerId: i < 2 ? smallManager : null, password: null })).id);
  for (let i = 0; i < 3; i++) ids.Ops.push((await makeUser(orgId, { department: "Ops", password: null })).id);
  await db.execute(sql`update users set created_at = '2020-01-01' where org_id = ${orgId}`);
  let n = 0;
  const post = async (author: string, dept: string, week: string, k: number) => {
    for (let i = 0; i < k; i++) {
      const at = new Date(parseDay(week).getTime() + DAY + i * 3_600_000).toISOString();
      await db.execute(sql`insert into content (id, org_id, kind, author_id, body_json, body_text, created_at, updated_at)
        values (${`pv${n++}-${orgId}`}, ${orgId}, 'post', ${author}, '{}'::jsonb, '', ${at}::timestamptz, ${at}::timestamptz)`);
      posts.push({ author, dept, week });
    }
  };
  for (const week of [W1, W2]) {
    for (const [dept, people] of Object.entries(ids)) {
      // Research has only two writers in W2 (a small cell inside a big group)
      const writers = dept === "Research" && week === W2 ? people.slice(0, 2) : people;
      for (const [i, u] of writers.entries()) {
        await post(u, dept, week, 1 + (i % 3));
        for (let d = 0; d < 7; d++) await recordActivityOn(db, u, orgId, addDays(week, d));
      }
    }
  }
  await rollupWeeks(db, orgId, W1, W2);
});

const v = (id: string) => loadViewer(db, id);
const chart = (d: Dashboard, id: string) => d.charts.find((c) => c.id === id)!;
const col = (d: Dashboard, id: string, group: string, column: string) => {
  const c = chart(d, id);
  const row = c.rows.find((r) => r[0] === group);
  return row ? row[c.columns.indexOf(column)] : undefined;
};
const kpi = (d: Dashboard, key: string) => d.kpis.find((x) => x.key === key)!.value;
const truePosts = (dept: string, weeks: string[]) => posts.filter((p) => p.dept === dept && weeks.includes(p.week)).length;

describe("analytics privacy", () => {
  it("a department of fewer than K people is withheld, and org total minus the others does not reveal it", async () => {
    testClock.freeze(TODAY);
    const d = await viewAnalytics(await v(hr), "auto", { from: W1, to: W1 });
    expect(d.scope).toBe("org");
    expect(d.range.weeks).toEqual([W1]);
    expect(col(d, "departments", "Ops", "posts")).toBeNull();
    expect(col(d, "departments", "Ops", "population")).toBeNull();
    // the differencing attempt: org posts − every published department's posts
    const org = kpi(d, "posts")!;
    expect(org).toBe(posts.filter((p) => p.week === W1).length);
    const published = chart(d, "departments").rows.reduce((s, r) => s + Number(r[chart(d, "departments").columns.indexOf("posts")] ?? 0), 0);
    expect(org - published).not.toBe(truePosts("Ops", [W1]));
    expect(org - published).toBeGreaterThan(truePosts("Ops", [W1]));
    expect(d.suppressedAny).toBe(true);
  });

  it("two date ranges never differ by a suppressed week of a group", async () => {
    testClock.freeze(TODAY);
    const one = await viewAnalytics(await v(hr), "auto", { from: W1, to: W1 });
    const two = await viewAnalytics(await v(hr), "auto", { from: W1, to: W2 });
    // Research had 2 writers in W2: their W2 posts must not appear as the difference
    const a = col(one, "departments", "Research", "posts");
    const b = col(two, "departments", "Research", "posts");
    expect(truePosts("Research", [W2])).toBeGreaterThan(0);
    if (a !== null && b !== null) expect(Number(b) - Number(a)).not.toBe(truePosts("Research", [W2]));
    // the range total is a sum of published weeks only: W2's small cell never enters it
    expect(b === null || b === a).toBe(true);
    const w2 = await viewAnalytics(await v(hr), "auto", { from: W2, to: W2 });
    expect(col(w2, "departments", "Research", "posts")).toBeNull();
    expect(col(w2, "departments", "Sales", "posts")).toBe(truePosts("Sales", [W2]));
    // arbitrary days snap to whole weeks: a Wednesday-to-Thursday range is the whole week
    const mid = await viewAnalytics(await v(hr), "auto", { from: addDays(W2, 2), to: addDays(W2, 3) });
    expect(mid.range).toMatchObject({ from: W2, to: W2 });
    // and the future or the current week are never published
    const future = await viewAnalytics(await v(hr), "auto", { from: W2, to: addDays(W2, 60) });
    expect(future.range.to).toBe(W2);
  });

  it("HR sees aggregates only: no person's id or name in the dashboard", async () => {
    testClock.freeze(TODAY);
    const d = await viewAnalytics(await v(hr), "auto", { from: W1, to: W2 });
    const json = JSON.stringify(d);
    for (const id of [...ids.Sales, ...ids.Research, ...ids.Ops, manager, alice]) expect(json).not.toContain(id);
    expect(json).not.toContain("Alice Privacy");
  });

  it("a manager sees their own reporting line only; a small line is withheld; others get 404", async () => {
    testClock.freeze(TODAY);
    const d = await viewAnalytics(await v(manager), "auto", { from: W1, to: W1 });
    expect(d.scope).toBe("line");
    const linePosts = posts.filter((p) => ids.Sales.slice(0, 6).includes(p.author) && p.week === W1).length;
    expect(kpi(d, "posts")).toBe(linePosts);
    expect(d.charts.map((c) => c.id)).not.toContain("departments");
    await expect(viewAnalytics(await v(manager), "org", { from: W1, to: W1 })).rejects.toMatchObject({ status: 404 });
    const small = await viewAnalytics(await v(smallManager), "auto", { from: W1, to: W1 });
    expect(small.kpis.every((k) => k.value === null || k.value === 0)).toBe(true);
    await expect(viewAnalytics(await v(alice), "auto", {})).rejects.toMatchObject({ status: 404 });
    await expect(viewAnalytics(await v(ids.Ops[0]), "team", {})).rejects.toMatchObject({ status: 404 });
  });

  it("every view and export leaves an audit record; each person sees their own figures", async () => {
    testClock.freeze(TODAY);
    const before = await query<{ n: number }>(db, sql`select count(*)::int as n from audit_log where org_id = ${orgId}`);
    await viewAnalytics(await v(hr), "auto", { from: W1, to: W2 });
    const csv = await exportAnalyticsChart(await v(hr), "auto", { from: W1, to: W2 }, "departments", (c) => c);
    expect(csv.csv.split("\r\n")[0]).toContain("group,population");
    expect(csv.csv).toContain("Sales");
    await exportAnalyticsChart(await v(manager), "auto", { from: W1, to: W2 }, "content", (c) => c);
    const mine = await myAnalytics(await v(ids.Sales[1]), { from: W1, to: W2 });
    expect(mine.posts).toBe(posts.filter((p) => p.author === ids.Sales[1]).length);
    expect(mine.activeDays).toBe(14);
    const rows = await query<{ action: string; actor_id: string; data: Record<string, unknown> | string }>(
      db,
      sql`select action, actor_id, data from audit_log where org_id = ${orgId} order by seq desc limit 4`,
    );
    expect(Number(before[0].n) + 4).toBe(Number((await query<{ n: number }>(db, sql`select count(*)::int as n from audit_log where org_id = ${orgId}`))[0].n));
    expect(rows.map((r) => [r.action, r.actor_id])).toEqual([
      ["analytics.view_self", ids.Sales[1]],
      ["analytics.export", manager],
      ["analytics.export", hr],
      ["analytics.view", hr],
    ]);
    await expect(exportAnalyticsChart(await v(hr), "auto", {}, "nope", (c) => c)).rejects.toMatchObject({ status: 404 });
    expect(weekOf(TODAY)).toBe(addDays(W2, 7));
  });
});
