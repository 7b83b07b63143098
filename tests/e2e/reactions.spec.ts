import { expect, test } from "./fixtures";

// Reactions from the feed: with JavaScript each toggle shows at once and is stored; without it
// the post's one reaction form still toggles through the server.

const curious = /^Curious \((\d+)\)$/;
const countOf = async (label: string | null) => Number(curious.exec(label ?? "")?.[1] ?? NaN);

test("a reaction toggles on and off from the feed, and stays after a reload", async ({ asUser }) => {
  const bob = await asUser("bob");
  await bob.goto("/");
  const article = bob.locator("main article[id]").filter({ has: bob.getByRole("group", { name: "Reactions" }) }).first();
  const id = await article.getAttribute("id");
  const button = bob.locator(`[id="${id}"]`).getByRole("button", { name: curious });
  const before = await countOf(await button.getAttribute("aria-label"));
  const wasMine = (await button.getAttribute("aria-pressed")) === "true";
  await button.click();
  await expect(button).toHaveAttribute("aria-pressed", wasMine ? "false" : "true");
  await expect(button).toHaveAttribute("aria-label", `Curious (${before + (wasMine ? -1 : 1)})`);
  await bob.reload();
  await expect(button).toHaveAttribute("aria-pressed", wasMine ? "false" : "true");
  await expect(button).toHaveAttribute("aria-label", `Curious (${before + (wasMine ? -1 : 1)})`);
  await button.click(); // and back
  await expect(button).toHaveAttribute("aria-pressed", wasMine ? "true" : "false");
  await bob.reload();
  await expect(button).toHaveAttribute("aria-label", `Curious (${before})`);
});

test("without JavaScript the reaction form toggles through the server", async ({ asUser }) => {
  const carol = await asUser("carol", { javaScriptEnabled: false });
  await carol.goto("/");
  const article = carol.locator("main article[id]").filter({ has: carol.getByRole("group", { name: "Reactions" }) }).first();
  const id = await article.getAttribute("id");
  const postId = id!.replace(/^post-/, "");
  const button = () => carol.locator(`[id="${id}"]`).getByRole("button", { name: curious });
  const before = await countOf(await button().getAttribute("aria-label"));
  const wasMine = (await button().getAttribute("aria-pressed")) === "true";
  await button().click(); // a plain form post: the post page answers
  await carol.goto(`/posts/${postId}`);
  await expect(button()).toHaveAttribute("aria-label", `Curious (${before + (wasMine ? -1 : 1)})`);
  await button().click();
  await carol.goto(`/posts/${postId}`);
  await expect(button()).toHaveAttribute("aria-label", `Curious (${before})`);
});
