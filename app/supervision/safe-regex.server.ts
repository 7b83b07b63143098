// A compliance officer's regular expression runs over every new item on the server, and
// JavaScript's engine backtracks without a time limit: a pattern like (a+)+$ can freeze the
// process. So patterns are held to a safe subset, checked before they are stored:
// bounded length, no backreferences or lookarounds, no quantified group that itself holds a
// quantifier or an alternation (the shapes behind catastrophic backtracking), bounded repeats.
// The text a pattern runs on is capped too (MAX_SCAN_CHARS), and every run is bounded in time
// (MATCH_TIMEOUT_MS, enforced by node:vm, which interrupts the regexp engine mid-backtrack): the
// subset keeps exponential shapes out, the deadline catches the polynomial ones (.*.*.*x).

import { Script, createContext } from "node:vm";

export const MAX_PATTERN_LENGTH = 200;
export const MATCH_TIMEOUT_MS = 250;
export const MAX_REPEAT = 100;
export const MAX_SCAN_CHARS = 20_000;

export type PatternProblem = "empty" | "tooLong" | "invalid" | "backreference" | "lookaround" | "nestedQuantifier" | "bigRepeat" | "matchesEmpty";

/** Null when `pattern` is in the safe subset; otherwise the first problem found. */
export function checkPattern(pattern: string): PatternProblem | null {
  if (pattern.trim() === "") return "empty";
  if (pattern.length > MAX_PATTERN_LENGTH) return "tooLong";
  let re: RegExp;
  try {
    re = new RegExp(pattern, "giu");
  } catch {
    return "invalid";
  }
  if (re.test("")) return "matchesEmpty";
  // group stack: does the group hold a quantifier or an alternation?
  const stack: { risky: boolean }[] = [{ risky: false }];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "\\") {
      const next = pattern[i + 1] ?? "";
      if (!inClass && (/[1-9]/.test(next) || next === "k")) return "backreference";
      i++;
      continue;
    }
    if (inClass) {
      if (ch === "]") inClass = false;
      continue;
    }
    if (ch === "[") {
      inClass = true;
      continue;
    }
    if (ch === "(") {
      if (pattern.startsWith("(?=", i) || pattern.startsWith("(?!", i) || pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) return "lookaround";
      stack.push({ risky: false });
      continue;
    }
    if (ch === "|") {
      stack[stack.length - 1].risky = true;
      continue;
    }
    const quant = quantifierAt(pattern, i);
    if (ch === ")") {
      const group = stack.pop() ?? { risky: false };
      const q = quantifierAt(pattern, i + 1);
      if (q && q.unbounded && group.risky) return "nestedQuantifier";
      if (q && q.max > MAX_REPEAT) return "bigRepeat";
      // the parent now holds whatever this group held, and this group's own quantifier
      if (group.risky || q) stack[stack.length - 1].risky = true;
      if (q) i += q.length;
      continue;
    }
    if (quant) {
      if (quant.max > MAX_REPEAT) return "bigRepeat";
      stack[stack.length - 1].risky = true;
      i += quant.length - 1;
    }
  }
  return null;
}

type Quantifier = { length: number; unbounded: boolean; max: number };

function quantifierAt(p: string, i: number): Quantifier | null {
  const ch = p[i];
  let len = 0;
  let unbounded = false;
  let max = 1;
  if (ch === "*" || ch === "+") {
    len = 1;
    unbounded = true;
    max = 0;
  } else if (ch === "?") {
    len = 1;
  } else if (ch === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
    if (!m) return null;
    len = m[0].length;
    if (m[2] && m[3] === "") unbounded = true;
    max = unbounded ? 0 : Number(m[3] ?? m[1]);
    // repeats of a risky group are dangerous whenever they can repeat more than once
    if (max > 1) unbounded = true;
  } else return null;
  if (p[i + len] === "?") len++; // lazy form
  return { length: len, unbounded, max: Number.isFinite(max) ? max : 0 };
}

const matcher = new Script(
  "(() => { const out = []; for (const m of s.matchAll(new RegExp(p, 'giu'))) { if (m[0].length) out.push([m.index, m.index + m[0].length]); if (out.length >= 50) break; } return JSON.stringify(out); })()",
);
let context: object | null = null;

export type PatternRun = { spans: Array<{ start: number; end: number }>; timedOut: boolean };

/** Every match of a checked pattern in `text` (case-insensitive), as [start, end) spans, within the deadline. */
export function patternSpans(pattern: string, text: string, timeoutMs = MATCH_TIMEOUT_MS): PatternRun {
  if (checkPattern(pattern) !== null) return { spans: [], timedOut: false };
  context ??= createContext({});
  const ctx = context as { s?: string; p?: string };
  ctx.s = text.slice(0, MAX_SCAN_CHARS);
  ctx.p = pattern;
  try {
    const pairs = JSON.parse(matcher.runInContext(context, { timeout: timeoutMs }) as string) as Array<[number, number]>;
    return { spans: pairs.map(([start, end]) => ({ start, end })), timedOut: false };
  } catch {
    return { spans: [], timedOut: true };
  } finally {
    ctx.s = undefined;
    ctx.p = undefined;
  }
}
