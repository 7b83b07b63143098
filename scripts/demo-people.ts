// The demo organisation's people data: a bank's skills taxonomy (with French synonyms),
// profiles (bios in English and French, managers), declared skills and endorsements
// spread over the last months, so /experts ranks sensibly and profiles explain why.
import type { Db } from "../app/db/client.server";
import { setEndorsement, updateProfile } from "../app/people/profile.server";
import { addSkill } from "../app/people/skills.server";
import { loadViewer } from "../app/policy/viewer.server";
import { testClock } from "../app/utils/clock.server";

export const DEMO_SKILLS: { name: string; synonyms: string[] }[] = [
  { name: "KYC", synonyms: ["Know your customer", "Connaissance client"] },
  { name: "AML", synonyms: ["Anti-money laundering", "LCB-FT", "Lutte anti-blanchiment"] },
  { name: "Credit risk", synonyms: ["Risque de crédit"] },
  { name: "Client onboarding", synonyms: ["Onboarding", "Entrée en relation"] },
  { name: "Fraud prevention", synonyms: ["Fraud", "Lutte contre la fraude"] },
  { name: "Market risk", synonyms: ["Risque de marché"] },
  { name: "Operations", synonyms: ["Opérations", "Back office"] },
  { name: "FX", synonyms: ["Foreign exchange", "Change"] },
  { name: "Compliance", synonyms: ["Conformité"] },
  { name: "Suitability", synonyms: ["Adéquation", "MiFID suitability"] },
  { name: "Wealth management", synonyms: ["Gestion de fortune", "Gestion privée"] },
  { name: "Rates", synonyms: ["Taux", "Interest rates"] },
  { name: "Payments", synonyms: ["Paiements", "SEPA"] },
  { name: "Equity research", synonyms: ["Recherche actions"] },
  { name: "M&A", synonyms: ["Mergers and acquisitions", "Fusions-acquisitions"] },
];

type Persona = "admin" | "compliance" | "hr" | "curator" | "alice" | "bob" | "carol" | "ivan";

const PROFILES: Record<Persona, { bio: string; manager: Persona | null; skills: string[] }> = {
  admin: { bio: "I run the digital workplace: Atrium, collaboration tools and the people who keep them going.\nJe pilote l’environnement de travail numérique.", manager: null, skills: ["Operations", "Payments"] },
  compliance: { bio: "Chief Compliance Officer. Ask me about KYC, AML and personal account dealing.\nDirectrice de la conformité : KYC, LCB-FT, transactions personnelles.", manager: "admin", skills: ["Compliance", "AML", "KYC"] },
  hr: { bio: "People analytics: engagement, skills and workforce planning.", manager: "admin", skills: [] },
  curator: { bio: "Je fais vivre nos bonnes pratiques et la base de connaissances. Knowledge manager for the whole bank.", manager: "admin", skills: ["Operations", "Client onboarding"] },
  alice: { bio: "Conseillère clientèle privée à Paris : gestion de fortune, adéquation MiFID, prévention de la fraude.\nRelationship manager for private clients in Paris.", manager: "curator", skills: ["Wealth management", "Suitability", "KYC", "Fraud prevention", "Rates"] },
  bob: { bio: "Equity research analyst covering European banks. Rates and net interest margins are my daily bread.", manager: null, skills: ["Equity research", "Rates", "Compliance"] },
  carol: { bio: "Operations analyst in Singapore: payments, client onboarding and fraud monitoring.", manager: "curator", skills: ["Operations", "Payments", "Client onboarding", "Fraud prevention", "KYC"] },
  ivan: { bio: "M&A associate. Credit and market risk on deal financing.", manager: null, skills: ["M&A", "Credit risk", "Market risk"] },
};

// [endorser, person, skill, days ago]: recent endorsements weigh more, older ones fade.
const ENDORSEMENTS: [Persona, Persona, string, number][] = [
  ["alice", "carol", "Fraud prevention", 12],
  ["curator", "carol", "Fraud prevention", 30],
  ["admin", "carol", "Fraud prevention", 45],
  ["compliance", "carol", "Fraud prevention", 70],
  ["curator", "carol", "Client onboarding", 20],
  ["alice", "carol", "KYC", 150],
  ["alice", "compliance", "AML", 5],
  ["carol", "compliance", "AML", 25],
  ["curator", "compliance", "AML", 60],
  ["admin", "compliance", "AML", 200],
  ["admin", "compliance", "KYC", 40],
  ["carol", "compliance", "KYC", 100],
  ["compliance", "alice", "KYC", 15],
  ["curator", "alice", "KYC", 50],
  ["curator", "alice", "Wealth management", 8],
  ["admin", "alice", "Suitability", 35],
  ["carol", "alice", "Fraud prevention", 90],
  ["hr", "bob", "Equity research", 10],
  ["admin", "bob", "Equity research", 120],
  ["alice", "bob", "Rates", 18],
  ["admin", "ivan", "M&A", 22],
  ["hr", "ivan", "M&A", 64],
  ["compliance", "ivan", "Credit risk", 33],
  ["carol", "curator", "Client onboarding", 27],
  ["alice", "curator", "Operations", 75],
  ["carol", "admin", "Payments", 14],
];

export async function seedPeople(db: Db, ids: Record<Persona, string>) {
  const v = (k: Persona) => loadViewer(db, ids[k]);
  const admin = await v("admin");
  const byName = new Map<string, string>();
  for (const s of DEMO_SKILLS) byName.set(s.name, (await addSkill(admin, s, db)).id);
  // managers before reports, so every chain is valid when it is written
  for (const who of ["admin", "compliance", "hr", "curator", "alice", "bob", "carol", "ivan"] as const) {
    const p = PROFILES[who];
    const viewer = await v(who);
    const person = await db.query.users.findFirst({ where: (u, { eq }) => eq(u.id, ids[who]) });
    await updateProfile(viewer, ids[who], { bio: p.bio, languages: person?.languages ?? [], managerId: p.manager ? ids[p.manager] : null, skillIds: p.skills.map((s) => byName.get(s)!) }, db);
  }
  const now = Date.now();
  try {
    for (const [by, who, skill, daysAgo] of [...ENDORSEMENTS].sort((a, b) => b[3] - a[3])) {
      testClock.freeze(new Date(now - daysAgo * 86_400_000));
      await setEndorsement(await v(by), ids[who], byName.get(skill)!, true, db);
    }
  } finally {
    testClock.reset();
  }
}
