import { Param, SQL, StringChunk, type Query } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";

// Raw statements (`sql` templates) to text and parameters, for PostgreSQL, without drizzle's general
// builder: that one tests every chunk against a dozen entity kinds by prototype walks, copies its
// config at every nesting level and merges arrays of fragments (~0.7 ms of CPU on a home page of ten
// statements). Ours handles what raw statements are made of — text, nested `sql`, values, lists, and
// `Param` — and answers null for anything else (a table, a column, a name, a placeholder, inlined
// params), which then goes through drizzle's builder as before. Same text and parameters as
// drizzle's for everything it handles: tests/setup/worker-setup.ts turns on a check of every statement
// the test suite runs against drizzle's own output.

const dialect = new PgDialect();
let checking = false;

/** Tests: compare every compiled statement with drizzle's builder and throw on a difference. */
export function checkCompiledQueries(on: boolean) {
  checking = on;
}

class Unsupported extends Error {}

export function compileQuery(q: SQL): Query | null {
  let text = "";
  const params: unknown[] = [];
  const value = (v: unknown) => {
    params.push(v);
    text += "$" + params.length;
  };
  const walk = (chunks: readonly unknown[]) => {
    for (const c of chunks) {
      if (c instanceof StringChunk) {
        for (const s of c.value) text += s;
      } else if (c instanceof SQL) {
        if ((c as unknown as { shouldInlineParams: boolean }).shouldInlineParams) throw new Unsupported();
        walk(c.queryChunks);
      } else if (typeof c === "string" || typeof c === "number" || typeof c === "boolean" || typeof c === "bigint" || c === null || c instanceof Date) {
        value(c);
      } else if (c === undefined) {
        // drizzle writes nothing for an undefined chunk
      } else if (Array.isArray(c)) {
        text += "(";
        for (let i = 0; i < c.length; i++) {
          if (i) text += ", ";
          walk([c[i]]);
        }
        text += ")";
      } else if (c instanceof Param) {
        const mapped = c.value === null ? null : c.encoder.mapToDriverValue(c.value);
        if (mapped !== null && typeof mapped === "object" && !(mapped instanceof Date)) throw new Unsupported();
        value(mapped);
      } else {
        throw new Unsupported();
      }
    }
  };
  let out: Query | null;
  try {
    walk([q]);
    out = { sql: text, params };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    out = null;
  }
  if (checking && out) {
    const theirs = dialect.sqlToQuery(q);
    const same = (a: unknown, b: unknown) => Object.is(a, b) || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
    if (theirs.sql !== out.sql || theirs.params.length !== out.params.length || theirs.params.some((p, i) => !same(p, out!.params[i]))) {
      throw new Error(`compileQuery differs from drizzle's builder:\nours:    ${out.sql}\ndrizzle: ${theirs.sql}`);
    }
  }
  return out;
}
