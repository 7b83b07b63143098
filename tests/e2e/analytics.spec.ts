import fs from "node:fs";
import { expect, test } from "./fixtures";

// Analytics journeys on the seeded demo (scripts/seed-analytics.ts backfills five weeks).

test("HR opens the dashboard, sees charts, changes the range and downloads a CSV", async ({ asUser }) => {
  const page = await asUser("hr");
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
  });
  const res = await page.goto("/analytics");
  expect(res?.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-/);
  await expect(page.getByRole("heading", { level: 1, name: "Analytics" })).toBeVisible();
  for (const id of ["activity", "content", "departments", "matrix"]) await expect(page.locator(`[data-chart="${id}"] svg[role="img"]`)).toBeVisible();
  // the charts are Observable Plot's SVG, labelled and focusable, with no inline <style> left in them
  await expect(page.locator('[data-chart="activity"] svg.atrium-plot[tabindex="0"] > title')).toHaveCount(1);
  await expect(page.locator("svg.atrium-plot style")).toHaveCount(0);
  // real figures above K: the organisation's posts and weekly actives are numbers, not withheld
  await expect(page.locator('[data-kpi="posts"] dd').first()).toHaveText(/\d/);
  await expect(page.locator('[data-kpi="wau"] dd').first()).toHaveText(/\d/);
  // text alternative: the data table opens from the keyboard
  const summary = page.locator('[data-chart="activity"] summary');
  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator('[data-chart="activity"] table')).toBeVisible();

  const before = await page.locator("[data-range]").getAttribute("data-range");
  await page.getByRole("link", { name: "Last 4 weeks" }).click();
  await expect(page.locator("[data-range]")).not.toHaveAttribute("data-range", before!);
  await expect(page.locator('[data-chart="activity"] tbody tr')).toHaveCount(4);

  const [download] = await Promise.all([page.waitForEvent("download"), page.locator('[data-csv="departments"]').click()]);
  expect(download.suggestedFilename()).toMatch(/^atrium-departments-.*\.csv$/);
  const csv = fs.readFileSync((await download.path())!, "utf8");
  expect(csv).toContain("Group,People,Weekly active");
  expect(csv).toContain("Wealth Management");
  expect(violations).toEqual([]);
});

test("a manager sees their team", async ({ asUser }) => {
  const page = await asUser("carol");
  await page.goto("/analytics");
  await expect(page.getByRole("heading", { level: 1, name: "Your team" })).toBeVisible();
  await expect(page.locator('[data-kpi="posts"] dd').first()).toHaveText(/\d/);
  await expect(page.locator('[data-chart="departments"]')).toHaveCount(0);
});

test("alice gets a 404 on analytics, and sees her own figures", async ({ asUser }) => {
  const page = await asUser("alice");
  const res = await page.goto("/analytics");
  expect(res?.status()).toBe(404);
  const csv = await page.request.get("/analytics/export?chart=activity");
  expect(csv.status()).toBe(404);
  await page.goto("/analytics/me");
  await expect(page.getByRole("heading", { level: 1, name: "My activity" })).toBeVisible();
});

test("HR changes the minutes saved per answer from the dashboard's settings; bad input is refused in words", async ({ asUser }) => {
  const page = await asUser("hr");
  await page.goto("/analytics");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Analytics settings" })).toBeVisible();
  const minutes = page.getByLabel("Minutes saved per answered question");
  await expect(minutes).toHaveValue("15");
  await minutes.fill("0");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Enter a whole number of minutes from 1 to 480.")).toBeVisible();
  await minutes.fill("20");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  await page.reload();
  await expect(page.getByLabel("Minutes saved per answered question")).toHaveValue("20");
  // put the demo back as it was for the other journeys
  await page.getByLabel("Minutes saved per answered question").fill("15");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByText("Settings saved.")).toBeVisible();
  const alice = await asUser("alice");
  expect((await alice.goto("/analytics/settings"))?.status()).toBe(404);
});
