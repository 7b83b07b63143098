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

test("the curator pages a long section with Show more, decides from a later page and goes back to the whole queue", async ({ asUser, baseURL }) => {
  test.setTimeout(180_000); // 21 posts and nominations through the app first
  // its own data: 21 nominated posts, more than one page (20) of the Nominated section
  const stamp = Date.now().toString(36);
  const origin = { Origin: baseURL! };
  const bob = await asUser("bob");
  const carol = await asUser("carol");
  const texts = Array.from({ length: 21 }, (_, i) => `Paging practice ${stamp} no. ${String(i).padStart(2, "0")}.`);
  for (const text of texts) {
    const posted = await bob.request.post("/?index", { form: { intent: "post", bodyText: text }, headers: origin, maxRedirects: 0 });
    expect(posted.status()).toBe(302);
    // the new post's link, from its card on bob's home page (server-rendered HTML is enough)
    const html = await (await bob.request.get("/")).text();
    const at = html.indexOf(text);
    expect(at).toBeGreaterThan(0);
    const cardHtml = html.slice(html.lastIndexOf("<article", at), html.indexOf("</article>", at));
    const id = /href="\/posts\/([0-9a-f-]{36})/.exec(cardHtml)![1];
    const nominated = await carol.request.post(`/posts/${id}`, { form: { intent: "nominate", reason: "Other desks should copy this." }, headers: origin });
    expect(nominated.status()).toBe(200);
  }

  const curator = await asUser("curator");
  await curator.goto("/best-practices/review");
  let section = curator.getByTestId("review-section-nominated");
  expect(Number(await section.getByTestId("review-section-count").innerText())).toBeGreaterThanOrEqual(21);
  await expect(section.locator('[data-testid^="queue-item-"]')).toHaveCount(20);
  const seen: string[] = [];
  const collect = async () => {
    for (const item of await section.locator('[data-testid^="queue-item-"]').filter({ hasText: `Paging practice ${stamp}` }).all()) {
      seen.push(/no\. \d\d\./.exec(await item.innerText())![0]);
    }
  };
  await collect();
  // Show more, section by section, until its last page (other journeys may have nominated more)
  let pages = 1;
  while ((await section.getByTestId("review-show-more").count()) > 0) {
    await section.getByTestId("review-show-more").click();
    await expect(curator).toHaveURL(/[?&]section=nominated&cursor=/);
    pages++;
    section = curator.getByTestId("review-section-nominated");
    await expect(curator.getByTestId("review-whole-queue")).toBeVisible();
    // only this section on a "more" page
    await expect(curator.locator('[data-testid^="review-section-"]:not([data-testid="review-section-count"])')).toHaveCount(1);
    await collect();
  }
  expect(pages).toBeGreaterThanOrEqual(2);
  // every one of ours exactly once across the pages
  expect([...seen].sort()).toEqual(texts.map((t) => /no\. \d\d\./.exec(t)![0]).sort());

  // a decision from this later page: recorded, the item gone, the same page served again
  const url = curator.url();
  const card = section.locator('[data-testid^="queue-item-"]').filter({ hasText: `Paging practice ${stamp}` }).first();
  const text = /Paging practice \S+ no\. \d\d\./.exec(await card.innerText())![0];
  const rejectForm = card.locator('form:has(button[value="reject"])');
  await rejectForm.locator('input[name="reason"]').fill("Not a practice yet");
  await rejectForm.locator('button[value="reject"]').click();
  await expect(curator.locator("main")).toContainText(/Decision recorded|Décision enregistrée/);
  await expect(curator.locator('[data-testid^="queue-item-"]').filter({ hasText: text })).toHaveCount(0);
  expect(curator.url()).toBe(url);

  // and back to the whole queue
  await curator.getByTestId("review-whole-queue").click();
  await expect(curator).toHaveURL(/\/best-practices\/review$/);
  await expect(curator.getByTestId("review-section-nominated")).toBeVisible();
});

test("alice gets a 404 on the review queue and the measures page", async ({ asUser }) => {
  const alice = await asUser("alice");
  expect((await alice.goto("/best-practices/review"))?.status()).toBe(404);
  expect((await alice.goto("/best-practices/measures"))?.status()).toBe(404);
  // the library itself is open to every member
  expect((await alice.goto("/best-practices"))?.status()).toBe(200);
});
