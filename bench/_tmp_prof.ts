import fs from "node:fs";
import path from "node:path";
const prof = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const runs = Number(process.argv[3] ?? 200);
const byId = new Map<number, any>(prof.nodes.map((x: any) => [x.id, x]));
const parent = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const modOf = (cf: any) => cf.url.includes("node_modules/") ? cf.url.split("node_modules/").pop().split("/").slice(0, cf.url.includes("node_modules/@") ? 2 : 1).join("/") : path.basename(cf.url) || cf.functionName;
const self = new Map<string, number>(); const incl = new Map<string, number>();
prof.samples.forEach((id: number, i: number) => {
  const d = prof.timeDeltas[i] / 1000;
  const cf = byId.get(id).callFrame;
  if (cf.functionName === "(idle)") return;
  self.set(modOf(cf), (self.get(modOf(cf)) ?? 0) + d);
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const c = byId.get(n).callFrame;
    const k = `${c.functionName || "(anon)"} ${modOf(c)}:${c.lineNumber + 1}`;
    if (seen.has(k)) continue; seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + d);
  }
});
console.log("self by module:");
for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${(ms / runs).toFixed(2).padStart(6)} ${k}`);
console.log("inclusive (app files):");
for (const [k, ms] of [...incl].filter(([k]) => !k.includes("node_modules") && /index\.js|server/.test(k)).sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${(ms / runs).toFixed(2).padStart(6)} ${k}`);
