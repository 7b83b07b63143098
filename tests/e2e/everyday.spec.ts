import { expect, test } from "./fixtures";

// Everyday quality (issue 14): opening a notification clears its badge; the language switch
// changes the whole page and persists; the French header stays on one row at 1280–1440 px.

const stamp = Date.now().toString(36);

async function unreadOf(page: import("@playwright/test").Page) {
  const label = (await page.locator('header a[href="/notifications"]').first().getAttribute("aria-label")) ?? "";
  return Number(/(\d+)/.exec(label)?.[1] ?? 0);
}

test("opening a notification marks it read and clears its badge", async ({ asUser, baseURL }) => {
  const ivan = await asUser("ivan");
  const origin = { Origin: baseURL! };
  const posted = await ivan.request.post("/?index", { form: { intent: "post", bodyText: `Deal pipeline review ${stamp}` }, headers: origin, maxRedirects: 0 });
  expect(posted.status()).toBe(302);
  await ivan.goto("/");
  const href = await ivan.locator("article", { hasText: `Deal pipeline review ${stamp}` }).first().locator('a[href^="/posts/"]').first().getAttribute("href");
  const postPath = href!.split("#")[0];

  const carol = await asUser("carol");
  const replied = await carol.request.post(postPath, { form: { intent: "comment", bodyText: `Looks right to me ${stamp}` }, headers: origin, maxRedirects: 0 });
  expect(replied.status()).toBe(302);

  // the reply reaches Ivan through the outbox worker
  let before = 0;
  await expect(async () => {
    await ivan.goto("/notifications");
    await expect(ivan.getByRole("button", { name: new RegExp(`Looks right to me ${stamp}`) })).toBeVisible({ timeout: 1_000 });
    before = await unreadOf(ivan);
    expect(before).toBeGreaterThan(0);
  }).toPass({ timeout: 20_000 });
  await ivan.getByRole("button", { name: new RegExp(`Looks right to me ${stamp}`) }).click();
  await expect(ivan).toHaveURL(new RegExp(`${postPath}`));
  await expect(ivan.getByText(`Looks right to me ${stamp}`)).toBeVisible();
  expect(await unreadOf(ivan)).toBe(before - 1);
  // and on the list it is read now
  await ivan.goto("/notifications");
  const item = ivan.getByRole("button", { name: new RegExp(`Looks right to me ${stamp}`) });
  await expect(item.getByText("Unread")).toHaveCount(0);

  // "Mark as read" beside a notification: it stays on the list, read, and the badge drops by one
  const reacted = await carol.request.post(postPath, { form: { intent: "react", reaction: "like", on: "true" }, headers: origin, maxRedirects: 0 });
  expect(reacted.status()).toBeLessThan(400);
  const reaction = ivan.getByRole("listitem").filter({ hasText: "reacted to your post" }).filter({ hasText: `Deal pipeline review ${stamp}` });
  let unread = 0;
  await expect(async () => {
    await ivan.goto("/notifications");
    await expect(reaction.getByRole("button", { name: "Mark as read" })).toBeVisible({ timeout: 1_000 });
    unread = await unreadOf(ivan);
  }).toPass({ timeout: 20_000 });
  await reaction.getByRole("button", { name: "Mark as read" }).click();
  await expect(reaction.getByRole("button", { name: "Mark as read" })).toHaveCount(0);
  await expect(reaction.getByText("Unread")).toHaveCount(0);
  expect(await unreadOf(ivan)).toBe(unread - 1);
  await expect(ivan).toHaveURL(/\/notifications$/);
});

test("the language switch changes the whole page and persists; the French header stays on one row", async ({ asUser }) => {
  const ivan = await asUser("ivan", { viewport: { width: 1280, height: 800 } });
  await ivan.goto("/spaces");
  await expect(ivan.locator("html")).toHaveAttribute("lang", "en");
  await ivan.getByRole("button", { name: "Account menu" }).click();
  await ivan.getByRole("button", { name: "Français" }).click();
  await expect(ivan).toHaveURL(/\/spaces$/);
  await expect(ivan.locator("html")).toHaveAttribute("lang", "fr");
  await expect(ivan.getByRole("navigation", { name: "Principale" }).first()).toBeVisible();
  await expect(ivan.getByRole("link", { name: "Espaces" }).first()).toBeVisible();
  await expect(ivan).toHaveTitle(/Atrium/);

  // the header is one row in French at 1280 and 1440 px
  for (const width of [1280, 1440]) {
    await ivan.setViewportSize({ width, height: 800 });
    const box = await ivan.locator("header > div").first().boundingBox();
    expect(box!.height, `header height at ${width}px`).toBeLessThan(64);
  }

  // persisted on the profile: a new browser context still speaks French after a reload from the server
  const again = await asUser("ivan");
  await again.goto("/");
  await expect(again.locator("html")).toHaveAttribute("lang", "fr");

  // back to English for the other journeys
  await again.getByRole("button", { name: "Menu du compte" }).click();
  await again.getByRole("button", { name: "English" }).click();
  await expect(again.locator("html")).toHaveAttribute("lang", "en");
});

test("the spaces directory finds a space by a word of its name and opens it", async ({ asUser }) => {
  const carol = await asUser("carol");
  await carol.goto("/spaces");
  await carol.getByRole("searchbox", { name: "Find a space" }).fill("pulse");
  await carol.getByRole("button", { name: "Search", exact: true }).click();
  await expect(carol).toHaveURL(/\/spaces\?q=pulse$/);
  const list = carol.getByRole("region", { name: "Spaces you can see" }).getByRole("listitem");
  await expect(list).toHaveCount(1);
  await list.getByRole("link", { name: "Markets Pulse" }).click();
  await expect(carol).toHaveURL(/\/spaces\/markets-pulse$/);
  await carol.goto("/spaces?q=no-such-space-anywhere");
  await expect(carol.getByText("No space matches “no-such-space-anywhere”")).toBeVisible();
});
