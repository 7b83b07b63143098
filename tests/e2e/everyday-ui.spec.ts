import { expect, test } from "./fixtures";

// Issue 14, parts 6 and 8: icons that render without an emoji font, avatars, the left rail,
// search on a phone, and the composer and menus by keyboard.

test("on a phone (390 px) the search filters fold behind a button and the first result is above the fold", async ({ asUser }) => {
  const alice = await asUser("alice", { viewport: { width: 390, height: 844 } });
  const first = alice.locator("main ol > li article").first();
  // run alone right after the seed, the index may still be filling: ask again until it answers
  await expect(async () => {
    await alice.goto("/search?q=compliance");
    await expect(first).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  const box = await first.boundingBox();
  expect(box).not.toBeNull();
  expect(box!.y).toBeLessThan(844 - 40); // its header line at least is on the first screen
  // the filters are one tap away, and fold again
  const toggle = alice.getByRole("button", { name: /^Filters/ });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(alice.locator("#search-filters")).toBeHidden();
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  await expect(alice.locator("#search-filters").getByRole("heading", { name: "Filters" })).toBeVisible();
  await toggle.click();
  await expect(alice.locator("#search-filters")).toBeHidden();
});

test("on a wide screen the filters stay beside the results and the left rail lists the person's spaces", async ({ asUser }) => {
  const alice = await asUser("alice", { viewport: { width: 1440, height: 900 } });
  await alice.goto("/search?q=compliance");
  await expect(alice.locator("#search-filters").getByRole("heading", { name: "Filters" })).toBeVisible();
  await expect(alice.getByRole("button", { name: /^Filters/ })).toBeHidden();
  const rail = alice.getByRole("navigation", { name: "Your spaces" });
  await expect(rail).toBeVisible();
  await expect(rail.getByRole("link", { name: "Wealth Advisory" })).toBeVisible(); // her private space
  await expect(rail.getByRole("link", { name: "Project Falcon" })).toHaveCount(0); // a secret space she is not in
  await rail.getByRole("link", { name: "Wealth Advisory" }).click();
  await expect(alice).toHaveURL(/\/spaces\/wealth-advisory/);
  await expect(rail.getByRole("link", { name: "Wealth Advisory" })).toHaveAttribute("aria-current", "page");
  // below 1280 px the rail gives its room back to the page
  await alice.setViewportSize({ width: 1024, height: 800 });
  await expect(rail).toBeHidden();
});

test("reactions and the editor toolbar are SVG icons, avatars are initials; no emoji glyph in the chrome", async ({ asUser }) => {
  const alice = await asUser("alice");
  await alice.goto("/");
  const reactions = alice.getByRole("group", { name: "Reactions" }).filter({ has: alice.getByRole("button", { name: "More reactions" }) }).first();
  await expect(reactions.getByRole("button", { name: /^Like \(\d+\)$/ }).locator("svg")).toHaveCount(1);
  await reactions.getByRole("button", { name: "More reactions" }).click();
  const all = reactions.locator("button:not([aria-haspopup])");
  await expect(all).toHaveCount(5); // the bar's and the popover's: each reaction once
  await expect(all.locator("svg")).toHaveCount(5);
  expect(await reactions.innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
  await alice.keyboard.press("Escape");
  const avatar = alice.locator("main article header > span[aria-hidden]").first();
  await expect(avatar).toHaveText(/^\p{Lu}{1,2}$/u);
  // the editor arrives on intent (focus), with its toolbar drawn in SVG
  await alice.locator('textarea[name="bodyText"]').first().focus();
  const toolbar = alice.getByRole("toolbar").first();
  await expect(toolbar).toBeVisible({ timeout: 15_000 });
  await expect(toolbar.locator("button svg")).toHaveCount(8);
  expect(await toolbar.innerText()).not.toMatch(/\p{Extended_Pictographic}/u);
});

test("the composer works by keyboard: tab to it, type, submit; the editor is not downloaded before", async ({ asUser }) => {
  test.setTimeout(90_000); // dozens of key presses, each a round trip to the browser
  const alice = await asUser("alice");
  const scripts: string[] = [];
  alice.on("request", (r) => {
    if (r.resourceType() === "script") scripts.push(r.url());
  });
  await alice.goto("/");
  await alice.waitForLoadState("networkidle");
  expect(scripts.filter((u) => /editor\.client/.test(u))).toEqual([]);
  // Where the focus is once the plain field has left the page: the editor that replaced it, never
  // the page itself (a key pressed then would be lost, or Tab would move on past the composer).
  // A MutationObserver's callback runs after the whole commit that swapped them, before any key.
  await alice.evaluate(() => {
    const w = window as unknown as { focusAtSwap?: string };
    const observer = new MutationObserver(() => {
      if (w.focusAtSwap || document.querySelector('textarea[name="bodyText"]')) return;
      w.focusAtSwap = document.activeElement?.matches(".ProseMirror") ? "editor" : (document.activeElement?.tagName ?? "none");
      observer.disconnect();
    });
    observer.observe(document.querySelector("main")!, { childList: true, subtree: true });
  });
  const stamp = `kbd-${Date.now().toString(36)}`;
  // keyboard only: tab until the writing field has the focus (the field, or the editor once it has
  // replaced it)
  const onComposer = () => alice.evaluate(() => !!document.activeElement?.matches('textarea[name="bodyText"], .ProseMirror'));
  for (let i = 0; i < 60 && !(await onComposer()); i++) await alice.keyboard.press("Tab");
  expect(await onComposer()).toBe(true);
  // the editor replaces the field and keeps the focus, handed over without a gap
  const box = alice.locator(".ProseMirror").first();
  await expect(box).toBeFocused({ timeout: 15_000 });
  expect(await alice.evaluate(() => (window as unknown as { focusAtSwap?: string }).focusAtSwap)).toBe("editor");
  expect(scripts.some((u) => /editor\.client/.test(u))).toBe(true);
  await alice.keyboard.type(`Posted by keyboard ${stamp}`);
  // Tab leaves the editor for the next control; reach the submit button
  const submit = alice.getByRole("button", { name: "Post", exact: true });
  for (let i = 0; i < 10 && !(await submit.evaluate((el) => el === document.activeElement)); i++) await alice.keyboard.press("Tab");
  await expect(submit).toBeFocused();
  await alice.keyboard.press("Enter");
  await expect(alice.locator("main")).toContainText(`Posted by keyboard ${stamp}`);
});

test("the account menu opens, moves and closes by keyboard, with a visible focus ring", async ({ asUser }) => {
  const alice = await asUser("alice");
  await alice.goto("/");
  const menuButton = alice.getByRole("button", { name: /Account menu/ });
  await menuButton.focus();
  const ring = await menuButton.evaluate((el) => {
    const s = getComputedStyle(el);
    return { outline: s.outlineStyle, width: s.outlineWidth, shadow: s.boxShadow };
  });
  expect(ring.outline !== "none" || ring.shadow !== "none").toBe(true);
  await alice.keyboard.press("Enter");
  await expect(menuButton).toHaveAttribute("aria-expanded", "true");
  await alice.keyboard.press("Escape");
  await expect(menuButton).toHaveAttribute("aria-expanded", "false");
  await expect(menuButton).toBeFocused();
});
