// npm run lint: the type check plus the architecture rules the compiler cannot see.
import fs from "node:fs";
import path from "node:path";
import { serverValueProblems } from "./lib/server-values";

const problems: string[] = [];
const walk = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    : [];

for (const f of walk("app/routes")) {
  const src = fs.readFileSync(f, "utf8");
  // Routes coordinate; queries live in capability modules.
  if (/from ["'](drizzle-orm|postgres|@electric-sql\/pglite)|from ["']~\/db\//.test(src)) problems.push(`${f}: routes must not import the database layer`);
  if (src.split("\n").length > 300) problems.push(`${f}: over 300 lines; move domain logic into its capability module`);
}
for (const f of [...walk("app"), ...walk("search"), ...walk("scripts")]) {
  const base = path.basename(f);
  if (!/\.(ts|tsx)$/.test(base) || f.startsWith("app/routes")) continue;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z]+)*\.(ts|tsx)$/.test(base)) problems.push(`${f}: file names are kebab-case`);
}
// Server-only values stay out of the browser: .server modules are empty stubs there.
for (const f of walk("app")) problems.push(...serverValueProblems(f, fs.readFileSync(f, "utf8")));
// ---------- layers: imports point down ----------
// routes → components → capabilities → compliance/identity → policy → platform → utils/i18n → db/env.
// Capabilities may use each other (content is the base of feed, search and Q&A) but never in a cycle.
const CAPABILITIES = [
  "admin", "content", "feed", "spaces", "notifications", "qa", "people", "knowledge",
  "discovery", "analytics", "records", "supervision", "integrations",
];
const RANK: Record<string, number> = { db: 0, "env.server": 0, utils: 1, i18n: 1, search: 2, platform: 2, policy: 3, compliance: 4, identity: 4, components: 6, routes: 7, "root": 7, "entry.server": 7, "entry.client": 7, "boot.server": 7 };
for (const c of CAPABILITIES) RANK[c] = 5;

/** "app/feed/x.ts" → "feed"; "search/client.ts" → "search"; "app/root.tsx" → "root". */
function unitOf(file: string): string | null {
  const rel = file.replace(/\\/g, "/");
  if (rel.startsWith("search/")) return "search";
  const m = /^app\/([^/]+)/.exec(rel);
  if (!m) return null;
  return m[1].replace(/\.(ts|tsx)$/, "");
}

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith("~/")) base = path.join("app", spec.slice(2));
  else if (spec.startsWith("#search/")) base = path.join("search", spec.slice(8));
  else if (spec.startsWith(".")) base = path.normalize(path.join(path.dirname(from), spec));
  else return null;
  for (const ext of [".ts", ".tsx", "/index.ts", "/index.tsx", ""]) {
    if (fs.existsSync(base + ext) && fs.statSync(base + ext).isFile()) return base + ext;
  }
  return base;
}

const importRe = /^\s*(?:import|export)\s+(type\s+)?(?:[^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
const edges = new Map<string, Set<string>>();
for (const f of [...walk("app"), ...walk("search")].filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.ts$/.test(f))) {
  const src = fs.readFileSync(f, "utf8");
  const from = unitOf(f);
  if (!from) continue;
  for (const m of src.matchAll(importRe)) {
    const spec = m[2];
    const whole = m[0];
    // Side effects belong to the boot module: no module is imported only to run it (stylesheets aside).
    if (/^\s*import\s+["']/.test(whole) && !/\.css(\?|$)/.test(spec)) {
      problems.push(`${f}: side-effect import of ${spec}; register wiring in app/boot.server.ts instead`);
    }
    const target = resolveImport(f, spec);
    if (!target) continue;
    const to = unitOf(target);
    if (!to || to === from) continue;
    const rf = RANK[from];
    const rt = RANK[to];
    if (rf === undefined) {
      problems.push(`${f}: app/${from} is not a known layer; add a capability folder to CAPABILITIES in scripts/lint.ts`);
      continue;
    }
    if (rt === undefined) continue;
    if (rt > rf) problems.push(`${f}: ${from} (layer ${rf}) imports ${to} (layer ${rt}); imports must point down`);
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
}
// No cycles between folders (capabilities, compliance ↔ identity).
function findCycle(): string[] | null {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | null => {
    state.set(n, 1);
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 1) return [...stack.slice(stack.indexOf(m)), m];
      if (!state.has(m)) {
        const c = visit(m);
        if (c) return c;
      }
    }
    stack.pop();
    state.set(n, 2);
    return null;
  };
  for (const n of edges.keys()) if (!state.has(n)) {
    const c = visit(n);
    if (c) return c;
  }
  return null;
}
const cycle = findCycle();
if (cycle) problems.push(`import cycle between folders: ${cycle.join(" → ")}`);

// Scripts and benchmarks never depend on the tests.
for (const f of [...walk("scripts"), ...walk("bench")].filter((f) => /\.(ts|tsx)$/.test(f))) {
  if (/from ["'][^"']*\/tests\/|import\(["'][^"']*\/tests\//.test(fs.readFileSync(f, "utf8"))) problems.push(`${f}: imports from tests/; shared helpers live in scripts/lib`);
}

if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("lint: ok");
