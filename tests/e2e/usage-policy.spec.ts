import { expect, openEditor, test } from "./fixtures";

// Issue 16, item 5: the social-media usage policy. The seed publishes version 1 and every
// persona accepts it but hr@demo.test (DEMO_UNACKNOWLEDGED in scripts/seed.ts). Compliance sees
// who has not and reminds them; hr's post is refused with a link to the policy; hr accepts
// and posts; compliance then sees the acceptance. The admin sees the published versions.

const stamp = Date.now().toString(36);
const HR_NAME = "Hugo Laurent";

test("a person who has not accepted the usage policy is refused, follows the link, accepts, then posts", async ({ asUser }) => {
  test.setTimeout(120_000); // five personas, each page a round trip on a busy machine
  // compliance: hr has never accepted; a reminder is sent
  const officer = await asUser("compliance");
  await officer.goto("/compliance/usage-policy");
  await expect(officer.getByRole("heading", { name: "Usage policy acknowledgements" })).toBeVisible();
  const hrRow = officer.locator('tr[data-person="hr@demo.test"]');
  await expect(hrRow).toContainText("Never accepted");
  await expect(officer.locator('tr[data-person="alice@demo.test"]')).toContainText("Accepted version 1");
  await hrRow.getByRole("button", { name: `Remind ${HR_NAME}` }).click();
  await expect(officer.getByText("Reminders sent: 1.")).toBeVisible();

  // hr tries to post: refused, with the reason and the way to the policy
  const hr = await asUser("hr");
  await hr.goto("/");
  const box = await openEditor(hr);
  await box.pressSequentially(`First post before the policy ${stamp}`);
  await hr.getByRole("button", { name: "Post", exact: true }).click();
  await expect(hr.getByRole("alert").filter({ hasText: "before you post" })).toBeVisible();
  await expect(hr.locator("article", { hasText: `First post before the policy ${stamp}` })).toHaveCount(0);

  // the reminder is in hr's notifications too
  const notes = await asUser("hr");
  await notes.goto("/notifications");
  await expect(notes.getByText(/asks you to read and accept the social-media usage policy/).first()).toBeVisible();

  // follow the link, read, accept
  await hr.getByRole("link", { name: "Read the usage policy" }).click();
  await expect(hr).toHaveURL(/\/policy$/);
  await expect(hr.getByRole("heading", { name: "Social-media usage policy" })).toBeVisible();
  await expect(hr.getByText("Read the policy below and accept it before your first post.")).toBeVisible();
  await expect(hr.getByRole("heading", { name: "Do not / À ne pas faire" })).toBeVisible();
  await hr.getByRole("button", { name: "I have read and accept this policy" }).click();
  await expect(hr.getByText("Thank you: you accepted version 1. You can post again.")).toBeVisible();
  await expect(hr.getByRole("button", { name: "I have read and accept this policy" })).toHaveCount(0);

  // back to the feed: the post goes through
  await hr.getByRole("link", { name: "Back to the feed" }).click();
  const again = await openEditor(hr);
  await again.pressSequentially(`First post after the policy ${stamp}`);
  await hr.getByRole("button", { name: "Post", exact: true }).click();
  await expect(hr.locator("article", { hasText: `First post after the policy ${stamp}` }).first()).toBeVisible();

  // compliance now sees the acceptance
  await officer.goto("/compliance/usage-policy");
  await expect(officer.locator('tr[data-person="hr@demo.test"]')).toContainText("Accepted version 1");

  // the admin's page lists the published version; members do not get it (404)
  const admin = await asUser("admin");
  await admin.goto("/admin/usage-policy");
  await expect(admin.getByRole("heading", { name: "Usage policy", exact: true })).toBeVisible();
  await expect(admin.locator("#usage-policy-versions")).toContainText("Version 1: Social media at Demo Bank");
  await expect(admin.getByLabel("Title")).toBeVisible();
  await expect(admin.getByRole("button", { name: "Publish as a new version" })).toBeVisible();
  const alice = await asUser("alice");
  expect((await alice.goto("/admin/usage-policy"))!.status()).toBe(404);
  expect((await alice.goto("/compliance/usage-policy"))!.status()).toBe(404);
});
