import { expect, openEditor, test } from "./fixtures";

// Issue 16: a pre-approval space. Alice posts in Client Communications (two tiers: the
// curator, then compliance) mentioning Bob; Bob sees nothing of it (space feed, post page,
// notifications) until both tiers have approved; then it reaches him.

const stamp = Date.now().toString(36);
const SPACE = "/spaces/client-communications";

test("a post in a pre-approval space reaches bob only after every tier approves", async ({ asUser }) => {
  const alice = await asUser("alice");
  await alice.goto(SPACE);
  const box = await openEditor(alice);
  await box.pressSequentially(`Client letter draft ${stamp} for `);
  await box.pressSequentially("@Bob");
  await expect(alice.getByRole("option", { name: /Bob Carter/ })).toBeVisible();
  await alice.keyboard.press("Enter");
  await alice.getByRole("button", { name: "Post", exact: true }).click();

  // the author lands on the approvals tab and sees her submission waiting at tier 1
  await expect(alice).toHaveURL(new RegExp(`${SPACE}/approvals$`));
  const mine = alice.locator("article", { hasText: `Client letter draft ${stamp}` });
  await expect(mine).toBeVisible();
  await expect(mine.getByTestId("hold-badge")).toHaveText("Waiting for approval (tier 1)");
  const postUrl = await mine.getByRole("link", { name: /ago|now|\d/ }).first().getAttribute("href");
  expect(postUrl).toMatch(/^\/posts\//);

  // bob: not in the space feed, the post page is a 404, no notification
  const bob = await asUser("bob");
  await bob.goto(SPACE);
  await expect(bob.getByRole("heading", { name: "Client Communications" })).toBeVisible();
  await expect(bob.getByText(`Client letter draft ${stamp}`)).toHaveCount(0);
  expect((await bob.goto(postUrl!))!.status()).toBe(404);
  await bob.goto("/notifications");
  await expect(bob.getByText(new RegExp(`Client letter draft ${stamp}`))).toHaveCount(0);

  // tier 1: the curator approves from the queue
  const curator = await asUser("curator");
  await curator.goto(`${SPACE}/approvals`);
  const queued = curator.locator("div", { has: curator.locator("article", { hasText: `Client letter draft ${stamp}` }) }).last();
  await queued.getByRole("button", { name: "Approve" }).click();
  await expect(curator.getByText("Approved.", { exact: true })).toBeVisible();

  // still nothing for bob between the tiers
  expect((await bob.goto(postUrl!))!.status()).toBe(404);

  // tier 2: compliance approves; the post is published
  const compliance = await asUser("compliance");
  await compliance.goto(`${SPACE}/approvals`);
  const queued2 = compliance.locator("div", { has: compliance.locator("article", { hasText: `Client letter draft ${stamp}` }) }).last();
  await queued2.getByRole("button", { name: "Approve" }).click();
  await expect(compliance.getByText("Approved by the last tier: the post is published.")).toBeVisible();

  // bob now reads it in the space feed, on its page, and was told of the mention
  await bob.goto(SPACE);
  await expect(bob.locator("article", { hasText: `Client letter draft ${stamp}` }).first()).toBeVisible();
  expect((await bob.goto(postUrl!))!.status()).toBe(200);
  await expect(async () => {
    await bob.goto("/notifications");
    await expect(bob.getByRole("button", { name: new RegExp(`Client letter draft ${stamp}`) }).first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
});
