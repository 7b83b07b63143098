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
  for (const path of ["/compliance", "/compliance/archive", "/compliance/archive?q=bob", "/compliance/holds", "/compliance/retention", "/compliance/exports", "/compliance/audit", "/compliance/barriers", "/compliance/exports/00000000-0000-4000-8000-000000000000"]) {
    const res = await alice.request.get(path);
    expect(res.status(), path).toBe(404);
    const page = await alice.goto(path);
    expect(page?.status(), path).toBe(404);
  }
});
