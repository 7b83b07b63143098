import fs from "node:fs";
import { expect, PERSONAS, test } from "./fixtures";
import { readZipEntries } from "../support/zip";

// Records management on the seeded demo: a legal hold, an eDiscovery export of one custodian, and the
// compliance console's pages that do not exist for anyone else.

test("compliance places a hold on bob, exports bob's posts and downloads the zip", async ({ asUser }) => {
  test.setTimeout(120_000);
  const page = await asUser("compliance");
  await page.goto("/compliance/holds");
  await page.getByLabel("Matter").fill(`Bob review ${Date.now()}`);
  await page.getByLabel("Custodians").fill(PERSONAS.bob);
  await page.getByRole("button", { name: "Place hold" }).click();
  await expect(page.getByText("The hold is in place.")).toBeVisible();
  const row = page.getByTestId("hold-row").filter({ hasText: "Bob review" }).first();
  await expect(row).toContainText(/\d+ versions of \d+ items/);
  await expect(row).toContainText("Active");

  await page.goto("/compliance/archive");
  await page.getByLabel("Custodian email").fill(PERSONAS.bob);
  await page.getByLabel("Kind").selectOption("post");
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page.getByRole("table")).toContainText("Version 1");
  await page.getByRole("button", { name: "Export these results" }).click();
  await page.waitForURL(/\/compliance\/exports/);
  const exportRow = page.getByTestId("export-row").first();
  // the background job builds it; the page follows its progress
  await expect(exportRow).toContainText(/Ready: \d+ versions/, { timeout: 60_000 });
  const [download] = await Promise.all([page.waitForEvent("download"), exportRow.getByRole("link", { name: /Download the export/ }).click()]);
  expect(download.suggestedFilename()).toMatch(/^atrium-export-.*\.zip$/);
  const entries = await readZipEntries((await download.path())!);
  const manifest = JSON.parse(entries.get("manifest.json")!.toString("utf8"));
  expect(manifest.format).toBe("atrium-ediscovery/1");
  expect(manifest.search.kinds).toEqual(["post"]);
  expect(manifest.exportedBy.email).toBe(PERSONAS.compliance);
  expect(manifest.records.length).toBeGreaterThan(0);
  const emls = [...entries.keys()].filter((n) => n.endsWith(".eml"));
  expect(emls.length).toBeGreaterThan(0);
  expect(entries.get(emls[0])!.toString("utf8")).toContain(PERSONAS.bob);
  expect(fs.statSync((await download.path())!).size).toBeGreaterThan(100);
});

test("alice gets a 404 on every compliance page", async ({ asUser }) => {
  const alice = await asUser("alice");
  for (const path of ["/compliance", "/compliance/archive", "/compliance/archive?q=bob", "/compliance/holds", "/compliance/retention", "/compliance/exports", "/compliance/erasure", "/compliance/audit", "/compliance/barriers", "/compliance/exports/00000000-0000-4000-8000-000000000000"]) {
    const res = await alice.request.get(path);
    expect(res.status(), path).toBe(404);
    const page = await alice.goto(path);
    expect(page?.status(), path).toBe(404);
  }
});

test("an erasure request: declined for carol, carried out for a leaver who then appears under a pseudonym", async ({ asUser, browser, baseURL }) => {
  test.setTimeout(120_000);
  // a colleague who joins through an invite link (erasing a demo persona would break the other journeys)
  const email = `leaver-${Date.now()}@demo.test`;
  const admin = await asUser("admin");
  await admin.goto("/admin/users");
  await admin.getByLabel("Email").fill(email);
  await admin.getByRole("button", { name: "Create invite link" }).click();
  const linkField = admin.getByLabel("Invite link");
  await expect(linkField).toHaveValue(/\/invite\//);
  const leaverContext = await browser.newContext({ baseURL });
  const leaver = await leaverContext.newPage();
  await leaver.goto(await linkField.inputValue());
  await leaver.getByLabel("Your name").fill("Lena Leaver");
  await leaver.getByLabel("Password").fill("a fresh passphrase");
  await leaver.getByRole("button", { name: "Join Demo Bank" }).click();
  await expect(leaver).toHaveURL(/\/$/);

  const page = await asUser("compliance");
  await page.goto("/compliance/erasure");
  await expect(page.getByRole("heading", { level: 1, name: "Erasure requests" })).toBeVisible();
  // an unknown person: a clear message, nothing filed
  await page.getByLabel(/email/i).fill("nobody@nowhere.test");
  await page.getByRole("button", { name: "File request" }).click();
  await expect(page.getByText("No one in your organisation has the email nobody@nowhere.test.")).toBeVisible();

  // carol: filed, the plan shows what would be kept and why, then declined
  await page.getByLabel(/email/i).fill(PERSONAS.carol);
  await page.getByRole("button", { name: "File request" }).click();
  await expect(page.getByText("The request is filed.")).toBeVisible();
  const carolRow = page.getByTestId("erasure-row").filter({ hasText: "Carol Nguyen" }).first();
  await expect(carolRow).toContainText(/versions kept: retention of \d+ days/);
  await carolRow.getByLabel("Note").fill("Carol withdrew her request");
  await carolRow.getByRole("button", { name: "Decline the erasure request for Carol Nguyen" }).click();
  await expect(page.getByText("The request was declined.")).toBeVisible();
  await expect(page.getByTestId("erasure-row").filter({ hasText: "Carol withdrew her request" }).first()).toContainText("Declined");

  // the leaver: filed and carried out
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel("Reason").fill("Leaver's request under GDPR art. 17");
  await page.getByRole("button", { name: "File request" }).click();
  const row = page.getByTestId("erasure-row").filter({ hasText: "Lena Leaver" }).first();
  await row.getByRole("button", { name: "Carry out the erasure of Lena Leaver" }).click();
  const notice = page.getByText(/now appears as Former employee [0-9a-f]{4}/);
  await expect(notice).toBeVisible();
  const pseudonym = (await notice.innerText()).match(/Former employee [0-9a-f]+/)![0];
  const done = page.getByTestId("erasure-row").filter({ hasText: pseudonym }).first();
  await expect(done).toContainText("Carried out");
  await expect(page.getByText("Lena Leaver")).toHaveCount(0);

  // the leaver's session was revoked with the erasure
  await leaver.goto("/");
  await expect(leaver).toHaveURL(/\/login/);
  await leaverContext.close();
});
