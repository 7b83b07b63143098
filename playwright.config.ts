import fs from "node:fs";
import { chromium, defineConfig } from "@playwright/test";
import { E2E_OIDC_PORT } from "./tests/e2e/oidc-port";

// E2E_PORT lets several checkouts run their journeys side by side.
const PORT = Number(process.env.E2E_PORT ?? 3311);
const BASE_URL = `http://localhost:${PORT}`;

/** PLAYWRIGHT_CHROMIUM_PATH, else Debian's Chromium, else Playwright's own download. */
function chromiumExecutable(): string {
  const fromEnv = process.env.PLAYWRIGHT_CHROMIUM_PATH?.trim();
  if (fromEnv) {
    if (fs.existsSync(fromEnv)) return fromEnv;
    throw new Error(`PLAYWRIGHT_CHROMIUM_PATH=${fromEnv} does not exist. Install Chromium: apt-get install -y chromium (or set PLAYWRIGHT_CHROMIUM_PATH)`);
  }
  if (fs.existsSync("/usr/bin/chromium")) return "/usr/bin/chromium";
  let bundled = "";
  try {
    bundled = chromium.executablePath();
  } catch {
    /* no bundled browser registered */
  }
  if (bundled && fs.existsSync(bundled)) return bundled;
  throw new Error("Install Chromium: apt-get install -y chromium (or set PLAYWRIGHT_CHROMIUM_PATH)");
}

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: "list",
  // Signs each demo persona in through the real form once; tests reuse the saved cookies.
  globalSetup: "./tests/e2e/global-setup.ts",
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromiumExecutable(),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      // Its own data directory and port, so it never touches a running demo.
      command: "node --import tsx tests/e2e/start-server.ts",
      port: PORT,
      reuseExistingServer: false,
      // the demo seed takes ~20 s on a quiet machine, far longer on a busy one: E2E_SERVER_TIMEOUT_MS raises the wait
      timeout: Number(process.env.E2E_SERVER_TIMEOUT_MS ?? 300_000),
      stdout: "pipe",
      stderr: "pipe",
      // SIGTERM lets the server close PGlite and stop its Meilisearch child.
      gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    },
    {
      // The OpenID provider the SSO journey signs in through (tests/e2e/sso.spec.ts); the admin points
      // the app at it on Admin → Single sign-on during the journey.
      command: "node --import tsx tests/e2e/start-oidc-provider.ts",
      port: E2E_OIDC_PORT,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    },
  ],
});
