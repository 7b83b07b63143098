import fs from "node:fs";
import { expect, test } from "./fixtures";

// Issue: knowledge search. Runs after the other journeys (files run in name order):
// the last test stops Meilisearch.

test("typing 'complaince' in the header finds a post about compliance; a facet narrows the results", async ({ asUser }) => {
  const alice = await asUser("alice");
  await alice.goto("/");
  const box = alice.getByRole("combobox", { name: /Search/ }).first();
  // the seed's posts reach the index through the outbox shortly after start
  await expect(async () => {
    await box.fill("");
    await box.pressSequentially("complaince");
    await expect(alice.getByRole("option").first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(alice.getByRole("listbox")).toContainText(/compliance/i);
  await box.press("Escape");
  await box.press("Enter");
  await expect(alice).toHaveURL(/\/search\?q=complaince/);
  const results = alice.locator("main article, main li[data-hit]");
  await expect(alice.locator("main")).toContainText(/compliance/i);
  await expect(alice.locator("main mark").first()).toBeVisible();
  const before = await alice.locator("main mark").count();
  expect(before).toBeGreaterThan(1);
  // narrow by a space facet
  const facet = alice.getByRole("checkbox", { name: /Compliance Corner/ });
  await facet.check();
  await expect(alice).toHaveURL(/space=/);
  await expect(alice.locator("main")).toContainText(/Compliance Corner/);
  const spaces = await alice.locator("main").getByText(/Markets Pulse|Customer Service Excellence|Best Practices/).count();
  expect(spaces).toBe(0);
  void results;
});

test("with Meilisearch stopped the search page still answers from PostgreSQL", async ({ asUser }) => {
  const pid = Number(fs.readFileSync("data/e2e/meili.pid", "utf8"));
  process.kill(pid, "SIGKILL");
  const alice = await asUser("alice");
  const res = await alice.goto("/search?q=compliance");
  expect(res?.status()).toBe(200);
  await expect(alice.getByRole("status").filter({ hasText: "reduced mode" })).toBeVisible();
  await expect(alice.locator("main mark").first()).toHaveText(/compliance/i);
  const health = await (await alice.request.get("/healthz")).json();
  expect(health).toMatchObject({ db: "ok", search: "degraded" });
});
