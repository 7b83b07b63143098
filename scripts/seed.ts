// npm run seed: creates the demo organisation when the database has no users.
import { pathToFileURL } from "node:url";
import { createBarrier } from "../app/compliance/barriers.server";
import { registerConsumers } from "../app/boot.server";
import { getDb } from "../app/db/client.server";
import { env } from "../app/env.server";
import { REACTIONS, setReaction } from "../app/content/content.server";
import { createComment, createPost } from "../app/content/posts.server";
import { testClock } from "../app/utils/clock.server";
import { demoPosts, toDoc } from "./demo-content";
import { createSpace, joinSpace, setMember } from "../app/spaces/spaces.server";
import { createOrg, createUser, userCount } from "../app/identity/accounts.server";
import type { OrgRole } from "../app/policy/roles";
import { loadViewer } from "../app/policy/viewer.server";
import { seedAnalyticsBackfill } from "./seed-analytics";

export const DEMO_PERSONAS: { email: string; name: string; roles: OrgRole[]; title: string; department: string; region: string; languages: string[]; locale: string | null }[] = [
  { email: "admin@demo.test", name: "Adèle Martin", roles: ["admin", "member"], title: "Head of Digital Workplace", department: "IT", region: "Paris", languages: ["fr", "en"], locale: null },
  { email: "compliance@demo.test", name: "Claire Dubois", roles: ["compliance", "member"], title: "Chief Compliance Officer", department: "Compliance", region: "Paris", languages: ["fr", "en"], locale: null },
  { email: "hr@demo.test", name: "Hugo Laurent", roles: ["hr", "member"], title: "People Analytics Lead", department: "HR", region: "London", languages: ["en", "fr"], locale: null },
  { email: "curator@demo.test", name: "Chloé Bernard", roles: ["curator", "member"], title: "Knowledge Manager", department: "Operations", region: "Lyon", languages: ["fr", "en"], locale: null },
  { email: "alice@demo.test", name: "Alice Moreau", roles: ["member"], title: "Relationship Manager", department: "Wealth Management", region: "Paris", languages: ["fr", "en"], locale: null },
  { email: "bob@demo.test", name: "Bob Carter", roles: ["member"], title: "Equity Research Analyst", department: "Research", region: "New York", languages: ["en"], locale: null },
  { email: "carol@demo.test", name: "Carol Nguyen", roles: ["member"], title: "Operations Analyst", department: "Operations", region: "Singapore", languages: ["en"], locale: null },
  { email: "ivan@demo.test", name: "Ivan Petrov", roles: ["member"], title: "M&A Associate", department: "Investment Banking", region: "London", languages: ["en", "ru"], locale: null },
];

const skipHidden = (e: unknown) => {
  if (e instanceof Response && e.status === 404) return null;
  throw e;
};

export async function seedDemo(password = env().DEMO_PASSWORD): Promise<boolean> {
  registerConsumers();
  if ((await userCount()) > 0) return false;
  const db = await getDb();
  const org = await createOrg("Demo Bank");
  const ids: Record<string, string> = {};
  for (const p of DEMO_PERSONAS) {
    const u = await createUser({ orgId: org.id, password, ...p });
    ids[p.email.split("@")[0]] = u.id;
  }
  const v = (k: string) => loadViewer(db, ids[k]);

  await createBarrier(await v("compliance"), { name: "Research / Investment Banking", sideA: ["Research"], sideB: ["Investment Banking"] });

  const space = async (owner: string, slug: string, name: string, description: string, visibility: "open" | "private" | "secret", joinPolicy: "open" | "request" | "invite", allowedDepartments: string[] = []) =>
    createSpace(await v(owner), { name, slug, description, visibility, joinPolicy, allowedDepartments });
  const spaces = {
    markets: await space("admin", "markets-pulse", "Markets Pulse", "Markets, rates and what clients ask about them.", "open", "open"),
    practices: await space("curator", "best-practices", "Best Practices", "What works, shared across teams. / Ce qui marche, partagé entre équipes.", "open", "open"),
    service: await space("curator", "customer-service", "Customer Service Excellence", "Complaints, scripts and client care.", "open", "open"),
    fraud: await space("carol", "fraud-prevention", "Fraud Prevention", "Scams we see and how we stop them.", "open", "open"),
    online: await space("carol", "online-banking", "Online Banking", "The app, the website and the questions they raise.", "open", "open"),
    compliance: await space("compliance", "compliance-corner", "Compliance Corner", "Rules, reminders and supervision notes.", "open", "open"),
    paris: await space("alice", "paris-office", "Bureau de Paris", "La vie du bureau de Paris.", "open", "open"),
    wealth: await space("alice", "wealth-advisory", "Wealth Advisory", "Private space for the wealth advisory team.", "private", "request"),
    deals: await space("ivan", "project-falcon", "Project Falcon", "Deal team only.", "secret", "invite", ["Investment Banking"]),
    research: await space("bob", "research-desk", "Research Desk", "Equity research notes, Research department only.", "open", "open", ["Research"]),
  };
  const openSpaces = ["markets", "practices", "service", "fraud", "online", "compliance", "paris"] as const;
  for (const key of openSpaces) {
    for (const who of Object.keys(ids)) {
      const admin = (await v(who)).adminSpaceIds.has(spaces[key].id);
      if (!admin) await joinSpace(await v(who), spaces[key].id);
    }
  }
  await setMember(await v("alice"), spaces.wealth.id, ids.curator, true);

  // Spread the posts over the last 30 days, oldest first.
  const posts = demoPosts();
  const people = Object.fromEntries(DEMO_PERSONAS.map((p) => [p.email.split("@")[0], { id: ids[p.email.split("@")[0]], name: p.name }]));
  const start = Date.now() - 30 * 86_400_000;
  const step = (30 * 86_400_000) / (posts.length + 1);
  const reactors = ["alice", "carol", "curator", "hr", "admin"];
  // memberships are settled: resolve each persona's viewer facts once
  const viewers = new Map<string, Awaited<ReturnType<typeof v>>>();
  for (const k of Object.keys(ids)) viewers.set(k, await v(k));
  const cv = async (k: string) => viewers.get(k)!;
  try {
    for (const [i, p] of posts.entries()) {
      testClock.freeze(new Date(start + i * step));
      const post = await createPost(await cv(p.author), { spaceId: spaces[p.space as keyof typeof spaces].id, body: toDoc(p.parts, people) });
      for (const c of p.comments ?? []) {
        testClock.advance(37 * 60_000);
        // only people who can see a post comment on it (private and secret spaces)
        await createComment(await cv(c.author), { parentId: post.id, body: toDoc(c.parts, people) }).catch(skipHidden);
      }
      for (let r = 0; r < (p.reactions ?? 0); r++) {
        const who = reactors[(i + r) % reactors.length];
        if (who !== p.author) await setReaction(await cv(who), post.id, REACTIONS[(i + r) % REACTIONS.length], true).catch(skipHidden);
      }
    }
  } finally {
    testClock.reset();
  }
  // colleagues, a reporting line under Carol and five weeks of activity for the analytics dashboards
  await seedAnalyticsBackfill(db, org.id, ids, { open: openSpaces.map((k) => spaces[k].id), research: spaces.research.id });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { withDb } = await import("./cli");
  await withDb(async () => {
    const created = await seedDemo();
    console.log(created ? "Demo organisation created." : "The database already has users: nothing seeded.");
  });
}
