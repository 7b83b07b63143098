import { expect, test } from "./fixtures";

// Issue 12: the discovery loop. The seed leaves a pending nomination (DEMO_PENDING_TEXT in
// scripts/seed.ts); the curator approves it from the queue, then a member finds it.

const PENDING = "Call back within two hours on every complaint";

test("the curator approves a nominated post from the queue; a member finds it in the library and in search", async ({ asUser }) => {
  const curator = await asUser("curator");
  const res = await curator.goto("/best-practices/review");
  expect(res?.status()).toBe(200);
  const card = curator.locator('[data-testid^="queue-item-"]').filter({ hasText: PENDING });
  await expect(card).toBeVisible();
  const approveForm = card.locator('form:has(input[name="intent"][value="approve"])');
  await approveForm.locator('input[name="topic"]').fill("client care");
  await approveForm.locator('button[type="submit"]').click();
  await expect(curator.locator("main")).toContainText(/Decision recorded|Décision enregistrée/);
  // approved and current: no longer waiting in the queue
  await expect(curator.locator('[data-testid^="queue-item-"]').filter({ hasText: PENDING })).toHaveCount(0);

  const alice = await asUser("alice");
  await alice.goto("/best-practices?topic=client%20care");
  await expect(alice.getByTestId("library")).toContainText(PENDING);
  await alice.goto("/best-practices?q=first-contact");
  await expect(alice.getByTestId("library")).toContainText(PENDING);
  // the post page says it is a best practice
  // (the card's timestamp links to the post)
  await alice.getByTestId("library").locator("li").filter({ hasText: PENDING }).first().locator('a[href^="/posts/"]').first().click();
  await expect(alice).toHaveURL(/\/posts\/[0-9a-f-]+/);
  await expect(alice.getByTestId("approval-badge")).toContainText("client care");
  // search finds it (the index hears of the approval through the outbox)
  await expect(async () => {
    await alice.goto("/search?q=complaint+first-contact+resolution");
    await expect(alice.locator("main")).toContainText(PENDING, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
});

test("alice gets a 404 on the review queue and the measures page", async ({ asUser }) => {
  const alice = await asUser("alice");
  expect((await alice.goto("/best-practices/review"))?.status()).toBe(404);
  expect((await alice.goto("/best-practices/measures"))?.status()).toBe(404);
  // the library itself is open to every member
  expect((await alice.goto("/best-practices"))?.status()).toBe(200);
});
