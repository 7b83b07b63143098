import { expect, test } from "./fixtures";
import { E2E_ISSUER } from "./oidc-port";

// Issue 17 (single sign-on): the admin points Atrium at the firm's OpenID provider on Admin → Single
// sign-on (a bad issuer is refused on the page), then a newcomer signs in from the sign-in page's SSO
// button through the provider's own login and consent pages, lands on the feed signed in, created just in
// time with the department, title and manager the provider's claims carry. A member never sees the page.
// The provider is a real oidc-provider started beside the app (tests/e2e/start-oidc-provider.ts).

test("an admin sets up SSO; a newcomer signs in through the provider and lands on the feed", async ({ asUser, browser, baseURL }) => {
  const admin = await asUser("admin");
  await admin.goto("/admin/sso");
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Single sign-on");
  await expect(admin.getByText(/Single sign-on is off/)).toBeVisible();

  // a plain-http issuer on the internet is refused, nothing saved
  await admin.getByLabel("Issuer URL").fill("http://idp.example.com");
  await admin.getByLabel("Client id").fill("atrium");
  await admin.getByRole("button", { name: "Save settings" }).click();
  await expect(admin.getByText("Enter the issuer as an https:// URL, without query or fragment.").first()).toBeVisible({ timeout: 15_000 });

  await admin.getByLabel("Issuer URL").fill(E2E_ISSUER);
  await admin.getByLabel("Client id").fill("atrium");
  await admin.getByLabel("Client secret").fill("atrium-secret-atrium-secret-0123");
  await admin.getByRole("checkbox", { name: /Create an account on first sign-in/ }).check();
  await admin.getByRole("checkbox", { name: "Manager from claim" }).check();
  await admin.getByLabel("Manager from claim — Claim name").fill("manager_email");
  await admin.getByRole("button", { name: "Save settings" }).click();
  await expect(admin.getByText("Single sign-on settings saved.")).toBeVisible({ timeout: 15_000 });
  await expect(admin.getByText(/Single sign-on is on/)).toBeVisible();
  // the secret is write-only: never put back in the page
  await expect(admin.getByLabel("Client secret")).toHaveValue("");
  expect(await admin.content()).not.toContain("atrium-secret-atrium-secret-0123");

  // a newcomer, not signed in, from the sign-in page
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  try {
    await page.goto("/login");
    await page.getByRole("link", { name: "Sign in with your company account" }).click();
    // the provider's own login page, then its consent page
    await page.waitForURL((url) => url.origin === E2E_ISSUER, { timeout: 15_000 });
    await page.locator('input[name="login"]').fill("sam.newcomer@demo.test");
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    // back on Atrium's feed, signed in as the person the provider vouched for
    await page.waitForURL(`${baseURL}/`, { timeout: 30_000 });
    await expect(page.getByRole("button", { name: /Account menu/ })).toContainText("Sam Newcomer");
    // the profile carries what the claims said: department, title, and Alice as manager
    await page.getByRole("button", { name: /Account menu/ }).click();
    await page.getByRole("link", { name: "My profile" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sam Newcomer");
    await expect(page.getByText("SSO Analyst").first()).toBeVisible();
    await expect(page.getByText("Alice Moreau").first()).toBeVisible();
  } finally {
    await context.close();
  }

  const alice = await asUser("alice");
  expect((await alice.goto("/admin/sso"))?.status()).toBe(404);
});
