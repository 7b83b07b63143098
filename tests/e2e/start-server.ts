// Starts Atrium for the end-to-end tests: a fresh database in ./data/e2e, the demo
// seed, then server.ts in this same process (PGlite allows one process per directory).
// Needs a prior `remix build` (npm run test:e2e builds first).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.chdir(root);

const DATA_DIR = "./data/e2e";
fs.rmSync(path.join(root, DATA_DIR), { recursive: true, force: true });
fs.mkdirSync(path.join(root, DATA_DIR), { recursive: true });

process.env.ATRIUM_DATA_DIR = DATA_DIR;
const E2E_PORT = process.env.E2E_PORT ?? "3311";
process.env.PORT = E2E_PORT;
process.env.NODE_ENV = "production";
// The Origin check allows PUBLIC_URL's origin only: it must be Playwright's baseURL exactly.
process.env.PUBLIC_URL = `http://localhost:${E2E_PORT}`;
delete process.env.TRUSTED_ORIGINS;
// The SSO journey's OpenID provider runs on a loopback port over plain http (tests/e2e/start-oidc-provider.ts).
process.env.INTEGRATIONS_ALLOW_HTTP_LOOPBACK = "true";
// Never seed into a database the environment points at: the e2e run owns its data.
delete process.env.DATABASE_URL;
delete process.env.ATRIUM_PGLITE_MEMORY;
// Meilisearch runs as an external server here (MEILI_URL), so a journey can stop it
// (kill the pid in meili.pid) and watch search fall back to PostgreSQL.
if (!process.env.MEILI_URL) {
  const { startMeilisearch } = await import(pathToFileURL(path.join(root, "search/process.ts")).href);
  const meili = await startMeilisearch({ dataDir: path.join(root, DATA_DIR, "external") });
  process.env.MEILI_URL = meili.url;
  process.env.MEILI_MASTER_KEY = meili.masterKey;
  fs.writeFileSync(path.join(root, DATA_DIR, "meili.pid"), String(meili.pid));
  const stop = () => void meili.stop();
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

const seedFile = path.join(root, "scripts/seed.ts");
if (!fs.existsSync(seedFile)) {
  console.error(`[e2e] ${seedFile} is missing: the end-to-end tests need seedDemo() from it.`);
  process.exit(1);
}
const { seedDemo } = (await import(pathToFileURL(seedFile).href)) as { seedDemo: () => Promise<unknown> };
await seedDemo();
console.log("[e2e] demo organisation seeded");

await import(pathToFileURL(path.join(root, "server.ts")).href);
