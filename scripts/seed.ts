// npm run seed: creates the demo organisation when the database has no users.
import { pathToFileURL } from "node:url";
import { createBarrier } from "../app/compliance/barriers.server";
import { getDb } from "../app/db/client.server";
import { createContent } from "../app/feed/content.server";
import { createSpace, setMember } from "../app/feed/spaces.server";
import { createOrg, createUser, userCount } from "../app/identity/accounts.server";
import type { OrgRole } from "../app/identity/roles";
import { loadViewer } from "../app/policy/viewer.server";

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

const doc = (text: string) => ({
  bodyJson: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] },
  bodyText: text,
});

export async function seedDemo(password = process.env.DEMO_PASSWORD ?? "atrium-demo-2026"): Promise<boolean> {
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

  const markets = await createSpace(await v("admin"), { name: "Markets Pulse", slug: "markets-pulse", description: "Open discussion of markets, rates and client questions.", visibility: "open", joinPolicy: "open" });
  const practices = await createSpace(await v("curator"), { name: "Best Practices", slug: "best-practices", description: "What works, shared across teams. / Ce qui marche, partagé entre équipes.", visibility: "open", joinPolicy: "open" });
  const wealth = await createSpace(await v("alice"), { name: "Wealth Advisory", slug: "wealth-advisory", description: "Private space for the wealth advisory team.", visibility: "private", joinPolicy: "request" });
  const deals = await createSpace(await v("ivan"), { name: "Project Falcon", slug: "project-falcon", description: "Deal team only.", visibility: "secret", joinPolicy: "invite", allowedDepartments: ["Investment Banking"] });
  const research = await createSpace(await v("bob"), { name: "Research Desk", slug: "research-desk", description: "Equity research notes.", visibility: "open", joinPolicy: "open", allowedDepartments: ["Research"] });

  for (const k of ["alice", "bob", "carol", "curator", "compliance", "hr", "ivan"]) {
    await setMember(await v("admin"), markets.id, ids[k], true);
  }
  for (const k of ["alice", "bob", "carol", "admin"]) await setMember(await v("curator"), practices.id, ids[k], true);
  await setMember(await v("alice"), wealth.id, ids.curator, true);

  await createContent(await v("alice"), { kind: "post", spaceId: markets.id, ...doc("Clients keep asking how the ECB rate path affects their savings products. Here is the one-pager we use in Paris.") });
  await createContent(await v("bob"), { kind: "post", spaceId: markets.id, ...doc("Our compliance checklist for client calls cut review time by a third. Happy to share the template.") });
  await createContent(await v("carol"), { kind: "post", spaceId: practices.id, ...doc("Bonne pratique : répondre aux réclamations clients sous 48 h avec un modèle validé par la conformité.") });
  await createContent(await v("alice"), { kind: "post", spaceId: wealth.id, ...doc("Reminder: the suitability questionnaire was updated this week. Use the new version for every review.") });
  await createContent(await v("ivan"), { kind: "post", spaceId: deals.id, ...doc("Falcon data room opens Monday. Need-to-know only.") });
  await createContent(await v("bob"), { kind: "post", spaceId: research.id, ...doc("Draft note on European banks' net interest margin, for the desk only until publication.") });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { withDb } = await import("./cli");
  await withDb(async () => {
    const created = await seedDemo();
    console.log(created ? "Demo organisation created." : "The database already has users: nothing seeded.");
  });
}
