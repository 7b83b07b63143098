import path from "node:path";
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { createRequestHandler, installGlobals, type ServerBuild } from "@remix-run/node";
installGlobals({ nativeFetch: true });
process.env.DATABASE_URL = process.env.BENCH_DATABASE_URL;
process.env.NODE_ENV = "production";
process.env.MEILI_URL = "http://127.0.0.1:1";
const build = (await import(pathToFileURL(path.resolve("build/index.js")).href)) as ServerBuild;
const handler = createRequestHandler(build, "production");
const { createSession } = await import("../app/identity/session.server");
const { token } = await createSession(process.argv[2]);
for (const p of process.argv.slice(3)) {
  const res = await handler(new Request(`http://localhost${p}`, { headers: { Cookie: `atrium_session=${token}`, "Accept-Language": "en" } }));
  const html = await res.text();
  fs.writeFileSync(`/tmp/page${p.replace(/\W+/g, "_")}.html`, html);
  const ctx = html.match(/window\.__remixContext = (.*?);<\/script>/s)?.[1] ?? "";
  const scripts = [...html.matchAll(/<script[^>]*>(.*?)<\/script>/gs)].reduce((a, m) => a + m[1].length, 0);
  const classes = [...html.matchAll(/class="([^"]*)"/g)].reduce((a, m) => a + m[1].length, 0);
  const svg = [...html.matchAll(/<svg.*?<\/svg>/gs)].reduce((a, m) => a + m[0].length, 0);
  console.log(p, "html", html.length, "remixContext", ctx.length, "inline scripts", scripts, "class attrs", classes, "svg", svg);
  if (ctx) { try { const j = JSON.parse(ctx); for (const [k, v] of Object.entries(j.state.loaderData)) console.log("   loaderData", k, JSON.stringify(v).length); } catch (e) { console.log("ctx parse", (e as Error).message); } }
}
process.exit(0);
