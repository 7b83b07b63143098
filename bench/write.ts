// npm run bench:write — how fast a write shows up for its author, and whether the server keeps
// answering while the outbox workers run. The production server (build/server.js) on the embedded
// PGlite and, with BENCH_DATABASE_URL (or DATABASE_URL), on PostgreSQL. A signed-in author submits
// posts, comments and edits exactly as the browser's form does (POST, then the redirect's GET);
// "submit → visible" is that POST plus the GET of the page the redirect names, checked to contain
// the new text. Meanwhile a second client samples /healthz and the home feed every 100 ms.
// Targets (issue 14): submit → visible p95 ≤ 300 ms; other requests during worker activity p95 ≤ 200 ms.
import { ensureServerBuild, machineInfo, pct, setupFirstAdmin, signIn, startServer, waitFor, type ServerChild } from "../scripts/lib/server-process";

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? null;
if (url) process.env.DATABASE_URL = url; // the factories (PostgreSQL mode) write where the server reads
const port = Number(process.env.BENCH_PORT ?? 3392);
const WRITES = Number(process.env.BENCH_WRITES ?? 30);

type Kind = "post" | "comment" | "edit";

async function run(databaseUrl: string | null) {
  const mode = databaseUrl ? "postgres" : "pglite";
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the server, to find what runs on the request path
  const prof = process.env.BENCH_CPU_PROF;
  const server = startServer({ port, databaseUrl, nodeArgs: prof ? ["--cpu-prof", `--cpu-prof-dir=${prof}`] : [] });
  try {
    return await scenario(server, mode);
  } finally {
    await server.stop();
  }
}

async function scenario(server: ServerChild, mode: string) {
  const { base } = server;
  const healthz = async () => {
    const res = await fetch(`${base}/healthz`);
    return { code: res.status, body: (await res.json()) as { search: string; backlog?: { pending: number } | null } };
  };
  await waitFor(async () => (await healthz()).code === 200, 240_000, () => `the server to answer; it said:\n${server.output()}`, 100);
  await waitFor(async () => {
    const h = await healthz();
    return h.body.search === "ok" && (h.body.backlog?.pending ?? 0) === 0;
  }, 120_000, "search ok and an empty backlog", 200);

  let who: { email: string; password: string };
  if (mode === "pglite") who = await setupFirstAdmin(server, { email: "ada@write.test", password: "a long enough password" });
  else {
    const { registerConsumers } = await import("../app/boot.server");
    registerConsumers();
    const { makeOrg, makeUser, TEST_PASSWORD } = await import("../scripts/lib/factories");
    const org = await makeOrg("Write Bench Bank");
    who = { email: (await makeUser(org.id, { name: "Ada Author" })).email, password: TEST_PASSWORD };
  }
  const cookie = await signIn(base, who.email, who.password);
  const reader = await signIn(base, who.email, who.password); // a second session: "other requests"
  const headers = { Cookie: cookie, Origin: base, "Content-Type": "application/x-www-form-urlencoded" };
  const marker = `wb${Math.random().toString(36).slice(2, 8)}`;

  /** POST as a form, follow the redirect with a GET as the browser does, check the text is on that page. */
  async function submit(path: string, form: Record<string, string>, text: string) {
    const t0 = performance.now();
    const res = await fetch(base + path, { method: "POST", redirect: "manual", headers, body: new URLSearchParams(form) });
    if (res.status !== 302) throw new Error(`${path} answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
    const postMs = performance.now() - t0;
    const to = new URL(res.headers.get("location")!, base);
    const page = await fetch(to, { headers: { Cookie: cookie } });
    const html = await page.text();
    const ms = performance.now() - t0;
    if (!html.includes(text)) throw new Error(`${text} not visible on ${to.pathname} after the redirect`);
    return { ms, postMs, html, location: to.pathname };
  }

  const samples: { what: string; ms: number; at: number }[] = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      for (const [what, p, c] of [["healthz", "/healthz", ""], ["feed", "/", reader]] as const) {
        const t0 = performance.now();
        const res = await fetch(base + p, { headers: c ? { Cookie: c } : {} }).catch(() => null);
        await res?.text();
        samples.push({ what, ms: performance.now() - t0, at: Date.now() });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  const lat: Record<Kind, number[]> = { post: [], comment: [], edit: [] };
  const postOnly: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const text = `${marker} post${i} on liquidity coverage`;
    const r = await submit("/?index", { intent: "post", bodyText: text }, text);
    lat.post.push(r.ms);
    postOnly.push(r.postMs);
    const id = /href="\/posts\/([0-9a-f-]{36})"/.exec(r.html)?.[1];
    if (!id) throw new Error("no post link on the feed");
    if (i % 3 === 0) {
      const c = `${marker} comment${i} agreed`;
      lat.comment.push((await submit(`/posts/${id}`, { intent: "comment", bodyText: c }, c)).ms);
      const e = `${marker} post${i} on liquidity coverage, edited`;
      lat.edit.push((await submit(`/posts/${id}/edit`, { intent: "edit", bodyText: e }, e)).ms);
    }
    await new Promise((r) => setTimeout(r, 150)); // a person does not post back to back
  }
  // keep sampling until the workers have caught up: those reads are "during worker activity" too
  const drainStart = performance.now();
  await waitFor(async () => ((await healthz()).body.backlog?.pending ?? 0) === 0, 120_000, "the outbox to drain", 100);
  const drainMs = performance.now() - drainStart;
  sampling = false;
  await sampler;

  const f = (xs: number[]) => `n=${xs.length} p50 ${pct(xs, 50).toFixed(0)} ms p95 ${pct(xs, 95).toFixed(0)} ms max ${Math.max(...xs).toFixed(0)} ms`;
  const of = (w: string) => samples.filter((s) => s.what === w).map((s) => s.ms);
  const all = samples.map((s) => s.ms);
  const visible = [...lat.post, ...lat.comment, ...lat.edit];
  console.log(`write (${mode}): ${WRITES} posts, ${lat.comment.length} comments, ${lat.edit.length} edits; load ${machineInfo().loadAverage.join(" ")}`);
  console.log(`  submit → visible  post   : ${f(lat.post)}  (POST alone p95 ${pct(postOnly, 95).toFixed(0)} ms)`);
  console.log(`  submit → visible  comment: ${f(lat.comment)}`);
  console.log(`  submit → visible  edit   : ${f(lat.edit)}`);
  console.log(`  meanwhile /healthz       : ${f(of("healthz"))}`);
  console.log(`  meanwhile feed read      : ${f(of("feed"))}`);
  console.log(`  outbox drained ${(drainMs / 1000).toFixed(1)} s after the last write`);
  const pass = pct(visible, 95) <= 300 && pct(all, 95) <= 200;
  console.log(`  ${pass ? "PASS" : "FAIL"}: submit → visible p95 ${pct(visible, 95).toFixed(0)} ms (≤ 300), other requests p95 ${pct(all, 95).toFixed(0)} ms (≤ 200)\n`);
  return pass;
}

ensureServerBuild();
console.log(`machine: ${JSON.stringify(machineInfo())}`);
let ok = true;
for (const databaseUrl of [null, ...(url ? [url] : [])]) ok = (await run(databaseUrl)) && ok;
console.log(`machine after: ${JSON.stringify(machineInfo())}`);
if (url) {
  const { closeDb } = await import("../app/db/client.server");
  await closeDb();
}
process.exit(ok ? 0 : 1);
