// npm run lint: the type check plus the architecture rules the compiler cannot see.
import fs from "node:fs";
import path from "node:path";

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
for (const f of walk("app").filter((f) => /\.(ts|tsx)$/.test(f) && !f.endsWith(".server.ts"))) {
  const src = fs.readFileSync(f, "utf8");
  // Browser bundles must never pull in server-only modules.
  if (/^import (?!type)[^;]*from ["'][^"']*\.server["']/m.test(src) && !f.startsWith("app/routes") && !f.endsWith("root.tsx")) {
    problems.push(`${f}: imports a .server module but is not server-only`);
  }
}
if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log("lint: ok");
