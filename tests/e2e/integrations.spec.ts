import { expect, test } from "./fixtures";

// Issue 17 (tokens, API): the admin creates a personal API token for Alice on the Integrations page,
// sees it once, a script reads the API with it as Alice, the reference page lists the endpoints,
// and revoking the token ends its access. A member never sees the page.

test("an admin creates a token shown once, it reads /api/v1 as its owner, and revoking it ends access", async ({ asUser, request }) => {
  const admin = await asUser("admin");
  await admin.goto("/admin/integrations");
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Integrations");
  const name = `CRM sync ${Date.now()}`;
  await admin.getByLabel("Name", { exact: true }).fill(name);
  await admin.getByLabel("Acts as").selectOption({ label: "Alice Moreau (alice@demo.test)" });
  await admin.getByRole("checkbox", { name: "write", exact: true }).check();
  await admin.getByRole("button", { name: "Create token" }).click();
  const shown = admin.getByTestId("new-token");
  await expect(shown).toHaveValue(/^atr_/, { timeout: 15_000 });
  const token = await shown.inputValue();

  const me = await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ email: "alice@demo.test", token: { scopes: ["read", "write"] } });
  expect(me.headers()["ratelimit-limit"]).toBeTruthy();
  // a write from a server: no Origin header, bearer only
  const posted = await request.post("/api/v1/posts", { headers: { Authorization: `Bearer ${token}` }, data: { text: `Posted by ${name}` } });
  expect(posted.status()).toBe(201);

  // shown once: after a reload the secret is gone, the row stays
  await admin.reload();
  await expect(admin.getByTestId("new-token")).toHaveCount(0);
  const row = admin.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked", { timeout: 15_000 });
  expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401);

  await admin.goto("/api/docs");
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("API reference");
  await expect(admin.getByText("/api/v1/questions/{id}/answers").first()).toBeVisible();

  const alice = await asUser("alice");
  const res = await alice.goto("/admin/integrations");
  expect(res?.status()).toBe(404);
});
