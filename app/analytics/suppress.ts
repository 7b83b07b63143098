// Small-group suppression, decided per published atom (one group × one week × one metric).
// A cell is published only when the people behind it number at least K. Within a
// partition (every department of one week, say) the suppressed cells are then protected
// from "total minus the others" by complementary suppression: if the people behind the
// suppressed cells are fewer than K together, the smallest published cells are suppressed
// too, until the hidden remainder stands for at least K people. Range figures are sums of
// published atoms only, so subtracting any two answers yields published atoms or a
// remainder of at least K people, never a small group (docs/analytics.md).

export type Atom = {
  grp: string;
  value: number;
  /** distinct people who contributed to the value */
  people: number;
  /** people in the group itself (departments, regions, lines); undefined when not a group of people (spaces) */
  population?: number;
};

export type Published = Atom & { suppressed: boolean };

/** Primary rule: a group of fewer than K people, or a figure from 1..K-1 people, is withheld. */
export const primarySuppressed = (a: Atom, k: number) =>
  (a.population !== undefined && a.population < k) || (a.people > 0 && a.people < k);

/**
 * Suppresses one partition. `disjoint`: each person belongs to at most one group (departments,
 * regions), so the remainder's people are the sum of its cells; otherwise (spaces, matrix lines)
 * only the largest single cell is a safe lower bound for the remainder.
 */
export function suppressPartition(atoms: Atom[], k: number, disjoint: boolean): Published[] {
  // a literal, not a spread: the dashboard suppresses ~2,000 partitions a view
  const out: Published[] = atoms.map((a) => ({ grp: a.grp, value: a.value, people: a.people, population: a.population, suppressed: primarySuppressed(a, k) }));
  complement(out, k, disjoint);
  return out;
}

/** A cell that stands for something: a withheld one counts towards the hidden remainder. */
const counts = (c: Published) => c.people > 0 || c.value !== 0;
/** The order in which published cells are hidden behind a withheld one: smallest first. */
const smaller = (a: Published, b: Published) => a.people - b.people || a.value - b.value || a.grp.localeCompare(b.grp);

/**
 * Complementary suppression in place; returns whether anything changed. The people behind the
 * withheld cells (their sum when disjoint, else the largest) must reach K; until they do, the
 * smallest published cell is withheld too. One pass a step, no intermediate arrays.
 */
export function complement(cells: Published[], k: number, disjoint: boolean): boolean {
  let changed = false;
  for (;;) {
    let hidden = false;
    let remainder = 0;
    let next: Published | null = null;
    for (const c of cells) {
      if (!counts(c)) continue;
      if (c.suppressed) {
        hidden = true;
        remainder = disjoint ? remainder + c.people : Math.max(remainder, c.people);
      } else if (next === null || smaller(c, next) < 0) next = c; // the first smallest, as a stable sort's head
    }
    if (!hidden || remainder >= k) return changed;
    if (!next) return changed; // nothing left to hide behind: the partition's total is itself suppressed (fewer than K people)
    next.suppressed = true;
    changed = true;
  }
}

/**
 * A two-way table (the interaction matrix): complementary suppression along every row and
 * every column, repeated until nothing changes.
 */
export function suppressMatrix(cells: (Atom & { row: string; col: string })[], k: number): (Published & { row: string; col: string })[] {
  const out = cells.map((c) => ({ grp: c.grp, row: c.row, col: c.col, value: c.value, people: c.people, population: c.population, suppressed: primarySuppressed(c, k) }));
  // the lines never change, only the flags in them
  const linesBy = (key: "row" | "col") => {
    const lines = new Map<string, typeof out>();
    for (const c of out) {
      const line = lines.get(c[key]);
      if (line) line.push(c);
      else lines.set(c[key], [c]);
    }
    return [...lines.values()];
  };
  const lines = [...linesBy("row"), ...linesBy("col")];
  for (let changed = true, guard = 0; changed && guard < 100; guard++) {
    changed = false;
    for (const line of lines) if (complement(line, k, false)) changed = true;
  }
  return out;
}

/** Sum of the published atoms; `partial` when a non-zero atom was withheld; null when nothing was published. */
export function sumPublished(atoms: Published[]): { value: number | null; partial: boolean } {
  let value: number | null = null;
  let partial = false;
  for (const a of atoms) {
    if (a.suppressed) {
      if (a.value !== 0 || a.people > 0) partial = true;
      continue;
    }
    value = (value ?? 0) + a.value;
  }
  return { value, partial };
}
