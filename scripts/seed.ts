// npm run seed: creates the demo organisation when the database has no users.
import { pathToFileURL } from "node:url";
import { createBarrier } from "../app/compliance/barriers.server";
import { registerConsumers } from "../app/boot.server";
import { getDb } from "../app/db/client.server";
import { env } from "../app/env.server";
import { REACTIONS, setReaction } from "../app/content/content.server";
import { createComment, createPost } from "../app/content/posts.server";
import { now, testClock } from "../app/utils/clock.server";
import { demoPosts, demoQuestions, toDoc } from "./demo-content";
import { answerQuestion, askQuestion, commentOn, setAcceptedAnswer, vote } from "../app/qa/questions.server";
import { runQaClock } from "../app/qa/clock.server";
import { seedPeople } from "./demo-people";
import { createSpace, joinSpace, setMember } from "../app/spaces/spaces.server";
import { setApprovalSettings } from "../app/spaces/approvals.server";
import { createOrg, createUser, userCount } from "../app/identity/accounts.server";
import type { OrgRole } from "../app/policy/roles";
import { loadViewer } from "../app/policy/viewer.server";
import { decide, expireDue, nominate } from "../app/discovery/review.server";
import { setSaved } from "../app/discovery/saves.server";
import { recordView } from "../app/discovery/signals.server";
import { seedAnalyticsBackfill } from "./seed-analytics";
import { savePolicy, setSampling } from "../app/supervision/policies.server";
import { acknowledgeUsagePolicy, publishUsagePolicy } from "../app/supervision/usage-policy.server";

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
  // a pre-approval space: client-facing wording is approved by the curator, then by compliance
  const comms = await space("compliance", "client-communications", "Client Communications", "Client-facing wording, approved before it is published (two tiers). / Textes destinés aux clients, approuvés avant parution.", "open", "open");
  for (const who of ["alice", "bob", "carol", "curator", "admin"]) await joinSpace(await v(who), comms.id);
  await setApprovalSettings(await v("compliance"), comms.id, {
    tiers: 2,
    seats: [
      { tier: 1, userId: ids.curator },
      { tier: 2, userId: ids.compliance },
    ],
  });

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
    // Q&A: questions over the last weeks, answered, accepted, voted and commented;
    // some unanswered within their 2 h target and some past it, so every list has content.
    const nowMs = Date.now();
    const questions = demoQuestions().sort((a, b) => b.hoursAgo - a.hoursAgo);
    const voters = ["alice", "carol", "curator", "hr", "admin", "compliance", "bob"];
    for (const [i, q] of questions.entries()) {
      testClock.freeze(new Date(nowMs - q.hoursAgo * 3_600_000));
      const asked = await askQuestion(await cv(q.author), {
        title: q.title,
        body: toDoc([q.body], people),
        tags: q.tags.map((t) => `#${t}`),
        spaceId: q.space ? spaces[q.space as keyof typeof spaces].id : null,
      }).catch(skipHidden);
      if (!asked) continue;
      const answerIds: string[] = [];
      for (const [k, a] of q.answers.entries()) {
        testClock.advance((20 + 25 * k) * 60_000);
        const row = await answerQuestion(await cv(a.author), asked.id, toDoc([a.text], people)).catch(skipHidden);
        if (row) answerIds.push(row.id);
      }
      for (const c of q.comments ?? []) {
        testClock.advance(10 * 60_000);
        const parent = c.onAnswer !== undefined ? answerIds[c.onAnswer] : asked.id;
        if (parent) await commentOn(await cv(c.author), parent, toDoc([c.text], people)).catch(skipHidden);
      }
      if (q.accepted !== undefined && answerIds[q.accepted]) await setAcceptedAnswer(await cv(q.author), asked.id, answerIds[q.accepted]);
      for (let k = 0; k < (q.votes ?? 0); k++) {
        const who = voters[(i + k) % voters.length];
        if (who !== q.author) await vote(await cv(who), asked.id, 1).catch(skipHidden);
        const target = answerIds[0];
        const answerAuthor = q.answers[0]?.author;
        if (target && who !== answerAuthor) await vote(await cv(who), target, 1).catch(skipHidden);
      }
    }
  } finally {
    testClock.reset();
  }
  await seedPeople(db, ids as Parameters<typeof seedPeople>[1]);
  // route and escalate what is already due (the periodic job does this from now on)
  await runQaClock(db);
  await seedDiscovery(db, spaces, cv);
  // supervision: a lexicon policy and a 2 % org-wide sample; they apply to what is written
  // after them, so the posts in DEMO_FLAGGED enter the review queue
  await savePolicy(await cv("compliance"), {
    name: "Promises of returns",
    severity: "high",
    terms: "guarantee\nrisk-free\ngarantie\nsans risque",
    patterns: "\\b(whatsapp|telegram|signal app)\\b",
    exceptions: "bank guarantee\ngarantie bancaire",
  });
  await setSampling(await cv("compliance"), { spaceId: "", percent: 2, seed: "atrium-demo-sampling-seed" });
  for (const [who, space, text] of DEMO_FLAGGED) await createPost(await cv(who), { spaceId: spaces[space as keyof typeof spaces].id, body: toDoc([text], {}) });
  // colleagues, a reporting line under Carol and five weeks of activity for the analytics dashboards
  await seedAnalyticsBackfill(db, org.id, ids, { open: openSpaces.map((k) => spaces[k].id), research: spaces.research.id });
  // the usage policy, published last (it gates every write from now on): every persona has
  // accepted it but hr@demo.test, who is asked to before their first post (tests/e2e/usage-policy.spec.ts)
  const { version } = await publishUsagePolicy(await cv("admin"), { title: DEMO_USAGE_POLICY_TITLE, body: JSON.stringify(DEMO_USAGE_POLICY) });
  for (const who of Object.keys(ids)) if (who !== DEMO_UNACKNOWLEDGED) await acknowledgeUsagePolicy(await cv(who), version);
  return true;
}

/** The demo persona who has not accepted the usage policy yet. */
export const DEMO_UNACKNOWLEDGED = "hr";
export const DEMO_USAGE_POLICY_TITLE = "Social media at Demo Bank / Les réseaux sociaux à Demo Bank";
const li = (text: string) => ({ type: "listItem", content: [{ type: "paragraph", content: [{ type: "text", text }] }] });
const DEMO_USAGE_POLICY = {
  type: "doc",
  content: [
    { type: "paragraph", content: [{ type: "text", text: "Everything you write on Atrium is archived and may be reviewed by Compliance. / Tout ce que vous écrivez sur Atrium est archivé et peut être revu par la Conformité." }] },
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Do not / À ne pas faire" }] },
    {
      type: "bulletList",
      content: [
        li("Promise or guarantee returns, or call a product risk-free. / Promettre ou garantir un rendement, dire qu’un produit est sans risque."),
        li("Name clients or share their data. / Nommer des clients ou partager leurs données."),
        li("Move client conversations to WhatsApp, Telegram or other unarchived apps. / Déplacer les échanges clients vers WhatsApp, Telegram ou d’autres applications non archivées."),
        li("Share material non-public information across the Research / Investment Banking wall. / Partager des informations privilégiées à travers la muraille Recherche / Banque d’investissement."),
      ],
    },
    { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Do / À faire" }] },
    {
      type: "bulletList",
      content: [li("Ask Compliance when in doubt. / En cas de doute, demandez à la Conformité."), li("Use the Client Communications space for client-facing wording. / Utilisez l’espace Client Communications pour les textes destinés aux clients.")],
    },
  ],
};

/** Posts the demo's lexicon policy flags for the review queue (tests/e2e/supervision.spec.ts). */
export const DEMO_FLAGGED = [
  ["alice", "markets", "Told a client we guarantee 8% on the new structured note, send me the deck."],
  ["carol", "paris", "Ce placement est sans risque et le rendement est garanti, d'après le client."],
  ["curator", "service", "Happy to move this to WhatsApp if the client prefers, quicker than email."],
] as const;

/** Best practices to browse (several topics), nominations to review, rising candidates and one stale item. */
export const DEMO_PENDING_TEXT = "Call back within two hours on every complaint: first-contact resolution rose to 82% in Lyon.";

async function seedDiscovery(
  db: Awaited<ReturnType<typeof getDb>>,
  spaces: Record<string, { id: string }>,
  cv: (k: string) => Promise<Awaited<ReturnType<typeof loadViewer>>>,
) {
  const DAY = 86_400_000;
  const write = async (who: string, space: string, text: string) =>
    createPost(await cv(who), { spaceId: spaces[space].id, body: toDoc([text], {}) });
  const approve = async (id: string, topic: string, owner: string, reverifyAt: Date) => {
    const r = await decide(await cv("curator"), id, { decision: "approve", topic, ownerId: (await cv(owner)).id!, reverifyAt }, db);
    if (!r.ok) throw new Error(`seed: approval failed: ${r.error}`);
  };
  const nominateAs = async (who: string, id: string, reason: string) => {
    const r = await nominate(await cv(who), id, reason, db);
    if (!r.ok) throw new Error(`seed: nomination failed: ${r.error}`);
  };
  const sixMonths = () => new Date(Date.now() + 182 * DAY);
  try {
    // approved best practices on several topics
    testClock.freeze(new Date(Date.now() - 10 * DAY));
    const approved = [
      ["carol", "fraud", "Fraud prevention", "Ask the caller to hang up and call back on the number on the card: it stopped every spoofed-bank scam we saw this quarter."],
      ["alice", "online", "Online banking", "Walk clients through enabling app notifications at account opening: password-reset calls fell by a third."],
      ["carol", "service", "Client care", "Close every complaint with a written summary the same day: repeat complaints halved in six weeks."],
      ["admin", "markets", "Rates", "A one-page rates briefing every Monday keeps advisers consistent when clients ask about mortgages."],
    ] as const;
    for (const [who, space, topic, text] of approved) {
      const p = await write(who, space, text);
      await nominateAs(who === "alice" ? "carol" : "alice", p.id, "This works and other teams should copy it.");
      testClock.advance(DAY);
      await approve(p.id, topic.toLowerCase(), who, sixMonths());
      for (const reader of ["alice", "bob", "carol", "hr", "ivan", "compliance"]) await recordView(await cv(reader), p.id, db);
      await setSaved(await cv(who === "carol" ? "alice" : "carol"), p.id, true, db);
    }
    // one stale item: approved with a re-verify date that has since passed
    testClock.freeze(new Date(Date.now() - 20 * DAY));
    const stale = await write("carol", "online", "Reset online banking passwords only after a video call: no account takeovers since March.");
    await nominateAs("alice", stale.id, "Strong control, worth sharing.");
    await approve(stale.id, "online banking", "carol", new Date(now().getTime() + 5 * DAY));
    testClock.reset();
    await expireDue(db);
    // pending nominations
    const pending = await write("carol", "service", DEMO_PENDING_TEXT);
    await nominateAs("alice", pending.id, "Other branches could copy this.");
    const pending2 = await write("alice", "paris", "Nous envoyons un récapitulatif écrit après chaque rendez-vous client : moins de malentendus.");
    await nominateAs("carol", pending2.id, "Simple et efficace.");
    // rising candidates: fresh attention right now
    const risers = [
      await write("bob", "markets", "Pairing new advisers with a senior for their first ten client calls cut escalations noticeably."),
      await write("ivan", "practices", "Checklists before every client onboarding call: fewer missing documents, faster account opening."),
    ];
    for (const r of risers) {
      for (const who of ["alice", "carol", "curator", "hr", "admin", "compliance"]) {
        const viewer = await cv(who);
        await setReaction(viewer, r.id, "helpful", true).catch(skipHidden);
        await setReaction(viewer, r.id, "insightful", true).catch(skipHidden);
        await recordView(viewer, r.id, db);
      }
    }
  } finally {
    testClock.reset();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { withDb } = await import("./cli");
  await withDb(async () => {
    const created = await seedDemo();
    console.log(created ? "Demo organisation created." : "The database already has users: nothing seeded.");
  });
}
