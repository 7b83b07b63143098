import { expect, test } from "./fixtures";

// Reactions from the feed: the bar shows Like and the reactions already given; the others are
// behind "More reactions" (a popover with JavaScript, the post's page without). Each toggle
// shows at once and is stored; without JavaScript the post's one reaction form toggles through
// the server.

const curious = /^Curious \((\d+)\)$/;
const countOf = async (label: string | null) => Number(curious.exec(label ?? "")?.[1] ?? NaN);

test("a reaction picked from the feed's popover shows at once, stays after a reload, and toggles off", async ({ asUser }) => {
  const bob = await asUser("bob");
  await bob.goto("/");
  // a post nobody found curious yet: Curious is not in its bar, only behind "More reactions"
  const article = bob
    .locator("main article[id]")
    .filter({ has: bob.getByRole("button", { name: "More reactions" }) })
    .filter({ hasNot: bob.getByRole("button", { name: curious }) })
    .first();
  const id = await article.getAttribute("id");
  const post = bob.locator(`[id="${id}"]`);
  const bar = post.getByRole("group", { name: "Reactions" });
  const more = bar.getByRole("button", { name: "More reactions" });
  await expect(bar.getByRole("button", { name: /^Like \(\d+\)$/ })).toBeVisible();
  await expect(bar.getByRole("button", { name: curious })).toHaveCount(0);

  // the popover opens on the first reaction and closes with Escape, focus back on its button
  await more.click();
  await expect(more).toHaveAttribute("aria-expanded", "true");
  const popover = post.getByRole("group", { name: "More reactions" });
  await expect(popover.getByRole("button")).toHaveCount(4);
  await expect(popover.getByRole("button").first()).toBeFocused();
  // arrow keys move between its reactions and wrap around; Home and End go to either end
  await bob.keyboard.press("ArrowRight");
  await expect(popover.getByRole("button").nth(1)).toBeFocused();
  await bob.keyboard.press("ArrowLeft");
  await bob.keyboard.press("ArrowLeft");
  await expect(popover.getByRole("button").nth(3)).toBeFocused();
  await bob.keyboard.press("Home");
  await expect(popover.getByRole("button").first()).toBeFocused();
  await bob.keyboard.press("End");
  await expect(popover.getByRole("button").nth(3)).toBeFocused();
  await bob.keyboard.press("Escape");
  await expect(popover).toHaveCount(0);
  await expect(more).toBeFocused();

  await more.click();
  await popover.getByRole("button", { name: curious }).click();
  await expect(popover).toHaveCount(0);
  const button = bar.getByRole("button", { name: curious });
  await expect(button).toHaveAttribute("aria-pressed", "true");
  await expect(button).toHaveAttribute("aria-label", "Curious (1)");
  await bob.reload();
  await expect(button).toHaveAttribute("aria-pressed", "true");
  await expect(button).toHaveAttribute("aria-label", "Curious (1)");
  // and back: shown at once, while the request is held in flight (once the page revalidates, a
  // reaction nobody gives any more leaves the bar, as below after the reload)
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await bob.route(`**/posts/${id!.replace(/^post-/, "")}*`, async (route) => {
    if (route.request().method() === "POST") await held;
    await route.continue();
  });
  const answered = bob.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(`/posts/${id!.replace(/^post-/, "")}`));
  await button.click();
  await expect(button).toHaveAttribute("aria-pressed", "false");
  await expect(button).toHaveAttribute("aria-label", "Curious (0)");
  release();
  expect((await answered).status()).toBeLessThan(400);
  await bob.unrouteAll();
  await bob.reload();
  // nobody's reaction any more: back behind "More reactions"
  await expect(bar.getByRole("button", { name: curious })).toHaveCount(0);
  await expect(bar.getByRole("button", { name: "More reactions" })).toBeVisible();
});

test("without JavaScript 'More reactions' leads to the post's page, whose reaction form toggles through the server", async ({ asUser }) => {
  const carol = await asUser("carol", { javaScriptEnabled: false });
  await carol.goto("/");
  const article = carol.locator("main article[id]").filter({ has: carol.getByRole("link", { name: "More reactions" }) }).first();
  const id = await article.getAttribute("id");
  const postId = id!.replace(/^post-/, "");
  await carol.locator(`[id="${id}"]`).getByRole("link", { name: "More reactions" }).click();
  await expect(carol).toHaveURL(new RegExp(`/posts/${postId}$`));
  // the post's page has all five
  const bar = carol.locator(`[id="${id}"]`).getByRole("group", { name: "Reactions" });
  await expect(bar.getByRole("button")).toHaveCount(5);
  const button = () => bar.getByRole("button", { name: curious });
  const before = await countOf(await button().getAttribute("aria-label"));
  const wasMine = (await button().getAttribute("aria-pressed")) === "true";
  await button().click(); // a plain form post: the post page answers
  await carol.goto(`/posts/${postId}`);
  await expect(button()).toHaveAttribute("aria-label", `Curious (${before + (wasMine ? -1 : 1)})`);
  await button().click();
  await carol.goto(`/posts/${postId}`);
  await expect(button()).toHaveAttribute("aria-label", `Curious (${before})`);
});
