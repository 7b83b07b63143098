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
  const out: Published[] = atoms.map((a) => ({ ...a, suppressed: primarySuppressed(a, k) }));
  complement(out, k, disjoint);
  return out;
}

/** Complementary suppression in place; returns whether anything changed. */
export function complement(cells: Published[], k: number, disjoint: boolean): boolean {
  let changed = false;
  const hiddenPeople = () => {
    const hidden = cells.filter((c) => c.suppressed && (c.people > 0 || c.value !== 0));
    if (hidden.length === 0) return null;
    return disjoint ? hidden.reduce((s, c) => s + c.people, 0) : Math.max(...hidden.map((c) => c.people));
  };
  for (let remainder = hiddenPeople(); remainder !== null && remainder < k; remainder = hiddenPeople()) {
    const next = cells
      .filter((c) => !c.suppressed && (c.people > 0 || c.value !== 0))
      .sort((a, b) => a.people - b.people || a.value - b.value || a.grp.localeCompare(b.grp))[0];
    if (!next) break; // nothing left to hide behind: the partition's total is itself suppressed (fewer than K people)
    next.suppressed = true;
    changed = true;
  }
  return changed;
}

/**
 * A two-way table (the interaction matrix): complementary suppression along every row and
 * every column, repeated until nothing changes.
 */
export function suppressMatrix(cells: (Atom & { row: string; col: string })[], k: number): (Published & { row: string; col: string })[] {
  const out = cells.map((c) => ({ ...c, suppressed: primarySuppressed(c, k) }));
  for (let changed = true, guard = 0; changed && guard < 100; guard++) {
    changed = false;
    for (const key of ["row", "col"] as const) {
      const lines = new Map<string, typeof out>();
      for (const c of out) lines.set(c[key], [...(lines.get(c[key]) ?? []), c]);
      for (const line of lines.values()) if (complement(line, k, false)) changed = true;
    }
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
