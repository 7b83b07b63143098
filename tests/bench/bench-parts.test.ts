import { describe, expect, it } from "vitest";
import { formatRounds, measureRounds, missedTargets, selectParts, targetMet, verdict } from "../../scripts/lib/bench";
import { pickPeople, type Candidate } from "../../scripts/lib/seeded-org";

// The pure parts of `npm run bench` at full size: who the seeded org's pages are measured for,
// which parts run, how a figure and its target are printed, and how missed targets are counted.

const person = (n: number, roles: string[], spaces: number, inBusySpace = true): Candidate => ({ id: `u${n}`, email: `user${n}@bank.test`, roles, spaces, inBusySpace });

describe("pickPeople", () => {
  const people = [
    person(0, ["admin", "member"], 12),
    person(1, ["compliance", "member"], 3),
    person(2, ["curator", "member"], 40),
    person(3, ["hr", "member"], 2),
    person(12, ["member"], 7),
    person(10, ["member"], 9, false), // most spaces, but not in the busy space
    person(11, ["member"], 7),
    person(13, ["member"], 5),
    person(20, ["curator", "member"], 1),
  ];

  it("takes the ordinary member of the busy space in the most spaces, and the first of each role by email", () => {
    const p = pickPeople(people);
    expect(p.member.id).toBe("u11"); // 7 spaces, ties with u12: the first by email
    expect(p.curator.id).toBe("u20"); // by email: "user20@" sorts before "user2@"
    expect(p.hr.id).toBe("u3");
    expect(p.compliance.id).toBe("u1");
  });

  it("does not depend on the order rows come back in", () => {
    const shuffled = [...people].reverse();
    expect(pickPeople(shuffled)).toEqual(pickPeople(people));
  });

  it("never takes someone with another role as the ordinary member", () => {
    const p = pickPeople(people.map((c) => (c.id === "u11" || c.id === "u12" ? { ...c, roles: ["member", "curator"] } : c)));
    expect(p.member.id).toBe("u13");
  });

  it("says what is missing when the seed lacks a role or a member", () => {
    expect(() => pickPeople(people.filter((c) => !c.roles.includes("hr")))).toThrow(/hr role/);
    expect(() => pickPeople(people.map((c) => ({ ...c, inBusySpace: false })))).toThrow(/ordinary member/);
  });
});

describe("selectParts", () => {
  const parts = [{ name: "pages", inDefaultRun: true }, { name: "feed" }, { name: "export", inDefaultRun: true }, { name: "search" }];
  const names = (xs: { name: string }[]) => xs.map((x) => x.name);

  it("runs the default parts unless told otherwise, in the declared order", () => {
    expect(names(selectParts(parts, {}))).toEqual(["pages", "export"]);
    expect(names(selectParts(parts, { all: true }))).toEqual(["pages", "feed", "export", "search"]);
    expect(names(selectParts(parts, { only: ["search", "pages"] }))).toEqual(["pages", "search"]);
    expect(names(selectParts(parts, { all: true, skip: ["feed"] }))).toEqual(["pages", "export", "search"]);
  });

  it("refuses a part name it does not know", () => {
    expect(() => selectParts(parts, { only: ["pagez"] })).toThrow(/unknown part\(s\): pagez/);
    expect(() => selectParts(parts, { skip: ["nope"] })).toThrow(/nope/);
  });
});

describe("figures and targets", () => {
  it("prints a met and a missed upper bound, and a lower bound", () => {
    const home = { what: "p95", limit: 25, unit: "ms", note: "issue 19" };
    expect(verdict(24.96, home)).toBe("target p95 ≤ 25 ms (issue 19): met");
    expect(verdict(43.21, home)).toBe("target p95 ≤ 25 ms (issue 19): NOT met (43.2 ms)");
    expect(verdict(1234.5, { what: "p95", limit: 1500, unit: "ms" })).toBe("target p95 ≤ 1500 ms: met");
    expect(targetMet(89, { what: "app / raw", limit: 90, unit: "%", atLeast: true })).toBe(false);
    expect(verdict(NaN, home)).toMatch(/NOT met/);
  });

  it("formats the median of the rounds with p50, p95, p99 and the p95's spread", () => {
    const line = formatRounds({ p50: [10, 12, 11], p95: [20, 18, 25], p99: [30, 31, 29] });
    expect(line).toBe("p50 11.0 ms  p95 20.0 ms  p99 30.0 ms  (median of 3 rounds; p95 min 18.0 max 25.0)");
  });

  it("measures the asked number of runs per round after the warm-up", async () => {
    let calls = 0;
    const r = await measureRounds(async () => void calls++, { runs: 7, rounds: 3, warmup: 2 });
    expect(calls).toBe(2 + 7 * 3);
    expect(r.p95).toHaveLength(3);
    expect(r.p99.every((x) => x >= 0)).toBe(true);
  });

  it("counts the missed targets a part printed, several on one line", () => {
    const lines = [
      "home page GET /  p50 30 ms  target p95 ≤ 25 ms: NOT met (43.2 ms)",
      "library  target p95 ≤ 50 ms: met",
      "commit → searchable  target p50 ≤ 350 ms: NOT met (2374 ms); target p95 ≤ 1500 ms: NOT met (7376 ms)",
      "app peak memory (RSS): 540 MB (target ≤ 300 MB)                                  MISSED",
      "PASS: 0 server errors and 0 lost writes (throughput below the 300/s target)",
      "FAIL: 0 server errors and 0 lost writes",
    ];
    expect(missedTargets(lines)).toBe(6);
    expect(missedTargets(["target p95 ≤ 25 ms: met", "PASS: 0 lost writes"])).toBe(0);
  });
});
