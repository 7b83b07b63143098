import fs from "node:fs";
import path from "node:path";
import { chromium, type FullConfig } from "@playwright/test";
import { PERSONAS, signInThroughForm, storageStatePath, type Persona } from "./fixtures";

// Each persona signs in through the real form once; tests then start from the saved cookie.
export default async function globalSetup(config: FullConfig) {
  const { baseURL, launchOptions } = config.projects[0].use;
  const browser = await chromium.launch(launchOptions);
  try {
    for (const persona of Object.keys(PERSONAS) as Persona[]) {
      const context = await browser.newContext({ baseURL });
      const page = await context.newPage();
      try {
        await signInThroughForm(page, PERSONAS[persona]);
      } catch (error) {
        throw new Error(
          `global-setup: ${PERSONAS[persona]} could not sign in (is it in scripts/seed.ts? is DEMO_PASSWORD the same?): ${(error as Error).message}`,
        );
      }
      const file = storageStatePath(persona);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      await context.storageState({ path: file });
      await context.close();
    }
  } finally {
    await browser.close();
  }
}
