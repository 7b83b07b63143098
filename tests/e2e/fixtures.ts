import path from "node:path";
import { expect, test as base, type BrowserContextOptions, type Page } from "@playwright/test";

/** The demo personas (scripts/seed.ts); keep in step with DEMO_PERSONAS there. */
export const PERSONAS = {
  admin: "admin@demo.test",
  compliance: "compliance@demo.test",
  hr: "hr@demo.test",
  curator: "curator@demo.test",
  alice: "alice@demo.test",
  bob: "bob@demo.test",
  carol: "carol@demo.test",
  ivan: "ivan@demo.test",
} as const;
export type Persona = keyof typeof PERSONAS;

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "atrium-demo-2026";

export const storageStatePath = (persona: Persona) => path.resolve("test-results/.auth", `${persona}.json`);

/** Signs in through the real /login form and waits until the app has taken us in. */
export async function signInThroughForm(page: Page, email: string, password = DEMO_PASSWORD) {
  // right after the seed the server is still catching up on indexing: allow the first page time
  await page.goto("/login", { timeout: 120_000 });
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('main form[method="post"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== "/login", { timeout: 15_000 });
}

type Fixtures = {
  /** A page in a fresh browser context already signed in as the persona (saved by global-setup). */
  asUser: (persona: Persona, options?: BrowserContextOptions) => Promise<Page>;
};

export const test = base.extend<Fixtures>({
  asUser: async ({ browser, baseURL }, use) => {
    const contexts: Awaited<ReturnType<typeof browser.newContext>>[] = [];
    await use(async (persona, options = {}) => {
      const context = await browser.newContext({ baseURL, ...options, storageState: storageStatePath(persona) });
      contexts.push(context);
      return context.newPage();
    });
    for (const context of contexts) await context.close();
  },
});

export { expect };

/** The composer's rich editor: it loads on intent, so focusing the plain field brings it in, with the focus. */
export async function openEditor(page: Page) {
  const box = page.locator(".ProseMirror").first();
  await expect(async () => {
    const field = page.locator('textarea[name="bodyText"]').first();
    if (await field.count()) await field.focus();
    await expect(box).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
  await box.click();
  return box;
}
