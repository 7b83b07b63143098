import { sql } from "drizzle-orm";
import { query, type DbOrTx } from "~/db/client.server";
import { MAX_SCAN_CHARS, patternSpans } from "./safe-regex.server";

// Lexicon matching with stemming in English and French. Words are stemmed by PostgreSQL's
// Snowball dictionaries (english_stem, french_stem: the same on PostgreSQL 15 and on PGlite),
// one query per item, and compared token by token in JS so every match keeps its exact
// offsets in the text for highlighting. A word matches a term's word when their English
// stems or their French stems agree ("guaranteed" ~ "guarantee", "garanties" ~ "garantie").

export type Lexicon = { terms: readonly string[]; patterns: readonly string[]; exceptions: readonly string[] };
export type Span = { start: number; end: number; term: string };
export type LexiconResult = { spans: Span[]; timedOut: string[] };

type Token = { word: string; start: number; end: number };
type Stem = { en: string; fr: string };

const WORD = /[\p{L}\p{N}]+/gu;

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(WORD)) out.push({ word: m[0].toLowerCase(), start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  return out;
}

/** Snowball stems of each distinct word; a stop word (empty lexeme list) stands for itself. */
export async function stems(db: DbOrTx, words: Iterable<string>): Promise<Map<string, Stem>> {
  const distinct = [...new Set(words)].filter((w) => w.length <= 100);
  const out = new Map<string, Stem>();
  for (let i = 0; i < distinct.length; i += 1000) {
    const chunk = distinct.slice(i, i + 1000);
    const rows = await query<{ w: string; en: string[] | string | null; fr: string[] | string | null }>(
      db,
      sql`select v.w, ts_lexize('english_stem', v.w) as en, ts_lexize('french_stem', v.w) as fr
          from (values ${sql.join(chunk.map((w) => sql`(${w}::text)`), sql`, `)}) as v(w)`,
    );
    for (const r of rows) out.set(r.w, { en: first(r.en) ?? r.w, fr: first(r.fr) ?? r.w });
  }
  return out;
}

const first = (v: string[] | string | null): string | null => {
  if (Array.isArray(v)) return v[0] ?? null;
  if (typeof v === "string") return v.replace(/^\{|\}$/g, "").split(",").filter(Boolean)[0] ?? null;
  return null;
};

const same = (a: Stem | undefined, b: Stem | undefined) => !!a && !!b && (a.en === b.en || a.fr === b.fr);

/** Where the phrase `phrase` (already tokenized) occurs in `tokens`, as token index ranges. */
function phraseHits(tokens: Token[], phrase: Token[], stemOf: Map<string, Stem>): Array<[number, number]> {
  if (!phrase.length) return [];
  const hits: Array<[number, number]> = [];
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (!same(stemOf.get(tokens[i + j].word), stemOf.get(phrase[j].word))) continue outer;
    hits.push([i, i + phrase.length - 1]);
  }
  return hits;
}

/**
 * The spans of `text` that the lexicon matches: stemmed terms and safe regular expressions,
 * minus whatever overlaps an exception phrase (exceptions are stemmed phrases too).
 */
export async function matchLexicon(db: DbOrTx, text: string, lexicon: Lexicon): Promise<LexiconResult> {
  const scanned = text.slice(0, MAX_SCAN_CHARS);
  const tokens = tokenize(scanned);
  const terms = lexicon.terms.map((t) => ({ term: t, tokens: tokenize(t) })).filter((t) => t.tokens.length);
  const exceptions = lexicon.exceptions.map((t) => tokenize(t)).filter((t) => t.length);
  const stemOf = await stems(db, [...tokens, ...terms.flatMap((t) => t.tokens), ...exceptions.flat()].map((t) => t.word));

  const excluded: Array<{ start: number; end: number }> = [];
  for (const ex of exceptions) for (const [a, b] of phraseHits(tokens, ex, stemOf)) excluded.push({ start: tokens[a].start, end: tokens[b].end });
  const allowed = (s: { start: number; end: number }) => !excluded.some((e) => s.start < e.end && e.start < s.end);

  const spans: Span[] = [];
  for (const t of terms) {
    for (const [a, b] of phraseHits(tokens, t.tokens, stemOf)) {
      const s = { start: tokens[a].start, end: tokens[b].end, term: t.term };
      if (allowed(s)) spans.push(s);
    }
  }
  const timedOut: string[] = [];
  for (const p of lexicon.patterns) {
    const run = patternSpans(p, scanned);
    if (run.timedOut) timedOut.push(p);
    for (const s of run.spans) if (allowed(s)) spans.push({ ...s, term: p });
  }
  return { spans: mergeSpans(spans), timedOut };
}

/** Sorted, overlapping spans merged (terms joined), so highlighting never nests. */
export function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) {
      last.end = Math.max(last.end, s.end);
      if (!last.term.split(" · ").includes(s.term)) last.term = `${last.term} · ${s.term}`;
    } else out.push({ ...s });
  }
  return out;
}
