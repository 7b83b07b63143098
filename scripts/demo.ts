// npm run demo: build if needed, seed the demo organisation into an empty database, serve.
import { spawnSync } from "node:child_process";
import fs from "node:fs";

if (!fs.existsSync("build/index.js") || !fs.existsSync("public/build")) {
  console.log("Building the app (first run)…");
  const r = spawnSync(process.execPath, ["node_modules/@remix-run/dev/dist/cli.js", "build"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
process.env.NODE_ENV ??= "production";

const { getDb, DataDirBusyError } = await import("../app/db/client.server");
try {
  await getDb();
} catch (e) {
  console.error(e instanceof DataDirBusyError ? e.message : `Could not open the database: ${(e as Error).message}`);
  process.exit(1);
}
const { seedDemo } = await import("./seed");
const password = process.env.DEMO_PASSWORD ?? "atrium-demo-2026";
const seeded = await seedDemo(password);

await import("../server");

const port = Number(process.env.PORT ?? 3000);
console.log(`
Atrium demo${seeded ? " (demo organisation created)" : ""}: http://localhost:${port}
Sign in with any of these (password: ${process.env.DEMO_PASSWORD ? "$DEMO_PASSWORD" : password}):
  alice@demo.test       member, Wealth Management, Paris
  bob@demo.test         member, Research, New York
  carol@demo.test       member outside the private spaces
  curator@demo.test     curator
  compliance@demo.test  compliance officer
  hr@demo.test          HR analyst
  admin@demo.test       org admin
  ivan@demo.test        member, Investment Banking (across the Research wall)
`);
