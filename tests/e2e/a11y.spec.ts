import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test, type Persona } from "./fixtures";

// Issue 14, part 8: every stable address, for each demo persona, passes axe-core's WCAG 2.0/2.1
// A and AA rules with no violation and has exactly one <h1>. One browser context per persona,
// pages in sequence, so the sweep stays fast. Addresses a persona may not see (404) are skipped
// for that persona; those that need an id (a post, a question, a profile) are found on the pages.

const STABLE = [
  "/",
  "/questions",
  "/questions?tab=mine",
  "/questions/new",
  "/experts",
  "/best-practices",
  "/best-practices/measures",
  "/best-practices/review",
  "/spaces",
  "/spaces/markets-pulse",
  "/spaces/markets-pulse/about",
  "/spaces/markets-pulse/members",
  "/spaces/markets-pulse/settings",
  "/tags/liquidity",
  "/search?q=compliance",
  "/search?q=zzzznothingmatches",
  "/notifications",
  "/saved",
  "/settings/notifications",
  "/settings/sessions",
  "/settings/watchlist",
  "/analytics",
  "/analytics/me",
  "/analytics/team",
  "/admin/users",
  "/admin/skills",
  "/admin/synonyms",
  "/admin/outbox",
  "/admin/sso",
  "/admin/usage-policy",
  "/policy",
  "/compliance",
  "/compliance/erasure",
  "/compliance/usage-policy",
  "/compliance/audit",
  "/compliance/barriers",
  "/no/such/page",
];

// The member (alice) sweeps every address; each role persona sweeps the pages its role opens
// or changes (the rest render the same shell and components for everyone), to keep it fast.
const ROLE_PAGES: Record<Persona, string[] | "all"> = {
  alice: "all",
  admin: ["/", "/admin/users", "/admin/skills", "/admin/synonyms", "/admin/outbox", "/admin/sso", "/admin/usage-policy", "/spaces/markets-pulse/settings", "/notifications"],
  compliance: ["/", "/compliance", "/compliance/audit", "/compliance/barriers", "/compliance/erasure", "/compliance/usage-policy", "/search?q=compliance", "/notifications"],
  hr: ["/", "/analytics", "/analytics/me", "/analytics/team", "/notifications"],
  curator: ["/", "/best-practices", "/best-practices/review", "/best-practices/measures", "/notifications"],
  bob: [],
  carol: [],
  ivan: [],
};
const PERSONAS: Persona[] = ["alice", "admin", "compliance", "hr", "curator"];
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

type Finding = { persona: Persona; path: string; problem: string };

async function check(page: Page, persona: Persona, path: string, findings: Finding[]) {
  console.log(`[a11y] ${persona} ${path}`);
  const res = await page.goto(path, { timeout: 30_000 });
  const status = res?.status() ?? 0;
  if (status === 404 && path !== "/no/such/page") return false;
  const h1 = await page.locator("h1").count();
  if (h1 !== 1) findings.push({ persona, path, problem: `${h1} <h1> elements` });
  const result = await Promise.race([
    new AxeBuilder({ page }).withTags(TAGS).analyze(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`axe did not finish on ${path} in 60 s`)), 60_000)),
  ]);
  for (const v of result.violations) {
    console.log(`[a11y] ${persona} ${path}: ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`);
    findings.push({ persona, path, problem: `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}` });
  }
  return true;
}

/** Addresses with an id, taken from links on pages the persona can see. */
async function discovered(page: Page) {
  const found: string[] = [];
  const first = async (from: string, selector: string) => {
    await page.goto(from, { timeout: 30_000 });
    const href = await page.locator(selector).first().getAttribute("href", { timeout: 10_000 }).catch(() => null);
    if (href) found.push(href);
  };
  await first("/", 'main a[href^="/posts/"]');
  await first("/questions", 'main a[href^="/questions/"][href*="-"]');
  await first("/experts", 'main a[href^="/people/"]');
  return found;
}

for (const persona of PERSONAS) {
  test(`axe: no WCAG 2.1 AA violation and one <h1> on every page, as ${persona}`, async ({ asUser }) => {
    test.setTimeout(600_000);
    const page = await asUser(persona);
    const findings: Finding[] = [];
    let checked = 0;
    const pages = ROLE_PAGES[persona];
    for (const path of pages === "all" ? [...STABLE, ...(await discovered(page))] : pages) {
      if (await check(page, persona, path, findings)) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(pages === "all" ? 20 : 4);
    expect(findings.map((f) => `${f.path}: ${f.problem}`)).toEqual([]);
  });
}

test("axe: the sign-in page, signed out", async ({ page }) => {
  const findings: Finding[] = [];
  await check(page, "alice", "/login", findings);
  expect(findings.map((f) => `${f.path}: ${f.problem}`)).toEqual([]);
});
