import { expect, test } from "./fixtures";

// Issue 14, people are findable: a search for a job title finds the person in the header's
// suggestions and on the search page (People tab), and opens the profile with its sections.
// Across the Research | Investment Banking wall, ivan finds nobody and the profile is a 404.

test("a search for a job title finds the person; the profile shows their posts, answers and spaces", async ({ asUser }) => {
  // right after the seed the indexer is still catching up (slowly on a loaded machine)
  test.setTimeout(240_000);
  const alice = await asUser("alice");
  await alice.goto("/");
  const box = alice.getByRole("combobox", { name: /Search/ }).first();
  // the demo's profiles reach the people index through the outbox shortly after start
  await expect(async () => {
    await box.fill("");
    await box.pressSequentially("research analyst");
    await expect(alice.getByRole("option", { name: /Bob Carter/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 150_000 });
  await expect(alice.getByRole("option", { name: /Bob Carter/ })).toContainText("Equity Research Analyst · Research");
  // Enter without choosing an option: the search page, people next to content
  await box.press("Escape");
  await box.press("Enter");
  await expect(alice).toHaveURL(/\/search\?q=research\+analyst/);
  const people = alice.getByRole("region", { name: "People" });
  await expect(people.getByRole("link", { name: "Bob Carter" })).toBeVisible();
  await expect(people).toContainText("Equity Research Analyst");
  await expect(people.getByRole("list", { name: "Skills" }).first()).toContainText("Equity research");
  // the People tab
  await alice.getByRole("navigation", { name: "Result type" }).getByRole("link", { name: /^People/ }).click();
  await expect(alice).toHaveURL(/in=people/);
  await expect(alice.getByRole("navigation", { name: "Result type" }).getByRole("link", { name: /^People/ })).toHaveAttribute("aria-current", "page");
  const bobLink = alice.getByTestId("people-hits").getByRole("link", { name: "Bob Carter" });
  const bobHref = await bobLink.getAttribute("href");
  await bobLink.click();
  await expect(alice).toHaveURL(bobHref!);
  await expect(alice.getByRole("heading", { level: 1 })).toHaveText("Bob Carter");
  await expect(alice.getByRole("heading", { name: "Recent posts" })).toBeVisible();
  await expect(alice.getByTestId("profile-posts").getByRole("listitem").first()).toBeVisible();
  await expect(alice.getByRole("heading", { name: "Answers" })).toBeVisible();
  // bob's Research-only space is not one alice may read: it is not listed
  const spaces = alice.getByTestId("profile-spaces");
  await expect(spaces.getByRole("link", { name: "Markets Pulse" })).toBeVisible();
  await expect(spaces.getByRole("link", { name: "Research Desk" })).toHaveCount(0);

  // ivan sits across the wall: nobody found, and the profile does not exist for him
  const ivan = await asUser("ivan");
  await ivan.goto("/search?q=research+analyst&in=people");
  await expect(ivan.getByText("Nobody matches “research analyst”.")).toBeVisible();
  await expect(ivan.getByRole("link", { name: "Bob Carter" })).toHaveCount(0);
  const res = await ivan.goto(bobHref!);
  expect(res?.status()).toBe(404);
});
