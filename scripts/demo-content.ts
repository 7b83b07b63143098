// Realistic demo posts in English and French for the seeded organisation.
// Plain-text #hashtags and $CASHTAGS are recognised by the rich-text parser;
// @mentions are real mention nodes.

type Part = string | { mention: string };
export type DemoPost = { author: string; space: string; parts: Part[]; comments?: { author: string; parts: Part[] }[]; reactions?: number };

const P = (author: string, space: string, ...parts: Part[]): DemoPost => ({ author, space, parts });

const BASE: DemoPost[] = [
  P("alice", "markets", "Clients keep asking how the ECB rate path affects their savings products. Here is the one-pager we use in Paris. #rates #clientquestions"),
  P("bob", "markets", "Our compliance checklist for client calls cut review time by a third. Happy to share the template with any desk. #compliance #bestpractice"),
  P("carol", "practices", "Bonne pratique : répondre aux réclamations clients sous 48 h avec un modèle validé par la conformité. #serviceclient #bonnepratique"),
  P("alice", "wealth", "Reminder: the suitability questionnaire was updated this week. Use the new version for every review. #suitability"),
  P("ivan", "deals", "Falcon data room opens Monday. Need-to-know only. #falcon"),
  P("bob", "research", "Draft note on European banks' net interest margin, for the desk only until publication. $BNP $GLE $ACA #nim"),
  P("curator", "practices", "This month's best practice: ", { mention: "alice" }, " shared a two-minute script for explaining rate changes to retail clients. Worth a look. #bestpractice #rates"),
  P("carol", "fraud", "We blocked 42 authorised push payment scams last week thanks to the new confirmation-of-payee prompt. Keep reporting suspicious patterns here. #fraudprevention #app"),
  P("alice", "fraud", "Client called about a fake 'security team' SMS asking for their one-time code. Reminder to all advisers: we never ask for codes. #fraudprevention #phishing"),
  P("compliance", "compliance", "New guidance on personal account dealing is out. Pre-clearance is required for single stocks, including $AAPL and $MSFT held through US brokers. #compliance #pad"),
  P("compliance", "compliance", "Rappel : les communications avec les clients passent uniquement par les canaux archivés. Pas de messagerie personnelle. #conformité #mifid"),
  P("hr", "paris", "Le baromètre d'engagement du trimestre est ouvert jusqu'à vendredi. Vos réponses restent anonymes. #engagement"),
  P("carol", "online", "The mobile app release moved the card-freeze button to the home screen. Calls about lost cards dropped 18%. #app #onlinebanking #customerservice"),
  P("alice", "online", "Question from a client: can joint account holders each set their own transfer limits in the app? Anyone know? #onlinebanking #clientquestions"),
  P("bob", "markets", "Quick read on US earnings season so far: margins holding up better than expected at $JPM and $BAC. #earnings #markets"),
  P("curator", "service", "Customer service tip: summarise the client's issue back to them before proposing a fix. Complaints escalated 25% less in the pilot. #customerservice #bestpractice"),
  P("carol", "service", "Shout-out to ", { mention: "alice" }, " for turning around a complex estate claim in two days. The family wrote to thank us. #kudos"),
  P("alice", "paris", "Afterwork de l'équipe Paris jeudi à 18 h 30, salle Seine. Venez nombreux ! #paris"),
  P("ivan", "markets", "Looking for someone who has run a client webinar on sustainable finance. Tips on format welcome. #esg #clientquestions"),
  P("bob", "research", "Model update: raising our estimate for $BNP after the capital markets day. Internal only until the note is published. #research"),
  P("compliance", "compliance", "Supervision reminder: marketing material mentioning performance needs compliance sign-off before it reaches clients. #compliance #finra"),
  P("curator", "practices", "Les meilleures réponses du mois dans Q&A : comment expliquer la garantie des dépôts, et quoi faire en cas de carte avalée. #bonnepratique"),
  P("carol", "fraud", "Pattern spotted: invoice redirection emails imitating our suppliers. Always call back on a known number before changing bank details. #fraudprevention"),
  P("alice", "markets", "Rates desk view for clients: a cut in June is priced in, but guidance matters more than the move itself. #rates #markets"),
  P("hr", "service", "We are piloting four-day rota patterns in the contact centre. Tell us what would make evenings easier for you. #wellbeing"),
  P("carol", "online", "Les clients demandent pourquoi l'app se déconnecte après 5 minutes. C'est voulu : sécurité. Voici une réponse type. #onlinebanking #serviceclient"),
  P("bob", "markets", "Has anyone compared the new market-data terminal with the old one for $EURUSD tick history? #markets #tools"),
  P("curator", "practices", "Template: a one-page handover note for client relationships when an adviser goes on leave. Reduced missed follow-ups to zero. #bestpractice"),
  P("alice", "wealth", "Two clients asked about structured products linked to $SX5E. Reminder: check the target market before proposing. #suitability #wealth"),
  P("compliance", "compliance", "Légal : la conservation des échanges est de 7 ans minimum. Les suppressions restent archivées pour la conformité. #conformité #archivage"),
];

// What colleagues answer under a post: varied, and in the language of the post.
const EN_REPLIES = [
  "Thanks for sharing — we'll try this on our desk next week.",
  "Useful. Could you post the template in the Best Practices space?",
  "We saw the same pattern in Lyon. Adding our numbers below.",
  "Does this apply to professional clients as well, or retail only?",
  "Flagging to the onboarding team: this would have saved us two days last month.",
  "Good catch. Is the second-line review already in the loop?",
  "Same here: the client pushed back until we showed the regulator's guidance.",
  "Can we get this into the next team huddle? Five minutes would do.",
  "Agree. The exception log should mention it too, otherwise audit will ask.",
  "We changed our script after reading this, and call times went down.",
];
const FR_REPLIES = [
  "Merci pour le partage, on teste ça la semaine prochaine.",
  "Très utile. Tu peux mettre le modèle dans l'espace Best Practices ?",
  "Même constat à Lyon, nos chiffres suivent en commentaire.",
  "Bonne remarque : la conformité est-elle déjà dans la boucle ?",
  "On l'applique depuis un mois, les clients apprécient la clarté.",
  "À ajouter au point d'équipe de lundi, je pense.",
];

// Themed posts a bank's staff would recognise: KYC and AML, credit risk, client onboarding,
// market colour with cashtags, fraud prevention, operations; about a third in French.
const THEMED: DemoPost[] = [
  // KYC and AML
  P("compliance", "compliance", "KYC refresh campaign starts Monday: 1,240 high-risk files are due this quarter. Prioritise clients with cash-intensive businesses and PEP links. #kyc #aml"),
  P("curator", "compliance", "Tip from the onboarding desk: ask for the source-of-wealth narrative in the client's own words first, then the evidence. Files go through second-line review twice as fast. #kyc #bestpractice"),
  P("compliance", "compliance", "Rappel LCB-FT : une déclaration de soupçon ne doit jamais être évoquée avec le client. En cas de doute, contactez le déclarant Tracfin avant toute démarche. #aml #conformité"),
  P("alice", "wealth", "A client's nephew is now a deputy minister, so the family file becomes PEP-related. Enhanced due diligence and senior sign-off before the next transfer. #kyc #pep"),
  P("compliance", "compliance", "Sanctions screening update: the new EU package adds 47 entities. The overnight rescreen flagged 3 partial matches; all cleared, rationale in the case notes. #sanctions #aml"),
  P("carol", "compliance", "Les pièces d'identité expirées représentent 38 % des relances KYC ce mois-ci. Une alerte 60 jours avant l'échéance est en test dans le CRM. #kyc #opérations"),
  P("compliance", "compliance", "Transaction monitoring: the structuring scenario now looks at 10-day windows instead of 3. Expect more alerts for two weeks while we tune thresholds. #aml #monitoring"),
  // Credit risk
  P("bob", "markets", "Credit watch: commercial real estate exposures in the regional book. Office vacancies are up and two borrowers asked for covenant waivers this month. #creditrisk #cre"),
  P("admin", "markets", "Risk committee summary: early-warning indicators flagged 12 SME borrowers, mostly hospitality and construction. Relationship managers will call each of them this week. #creditrisk #sme"),
  P("alice", "wealth", "Lombard loans: with equity volatility up, we lowered the loan-to-value on single-stock collateral to 50%. Clients near the threshold get a call before any margin call. #creditrisk #lombard"),
  P("bob", "research", "Les provisions IFRS 9 du secteur remontent : le stage 2 progresse chez $BNP et $GLE, surtout sur l'immobilier commercial. Note interne avant publication. #creditrisk #ifrs9"),
  P("curator", "practices", "Best practice from credit: write the one-paragraph 'why we lend' before the numbers. Committees decide faster and ask fewer follow-up questions. #creditrisk #bestpractice"),
  // Client onboarding
  P("carol", "service", "Onboarding time for retail clients is down to 11 minutes in the app, from 25 in branch. Biggest win: reading the ID chip instead of a photo. #onboarding #onlinebanking"),
  P("alice", "wealth", "Corporate onboarding checklist, the short version: statutes, register extract under 3 months, UBO declaration, board minutes for signatories. Missing any one of these is what stalls files. #onboarding #kyc"),
  P("curator", "practices", "Entrée en relation : envoyer la liste des pièces 48 h avant le rendez-vous divise par deux les dossiers incomplets. Modèle de courriel dans l'espace. #onboarding #bonnepratique"),
  P("hr", "paris", "Welcome to the eight graduates joining the Paris branches this month. Their buddies from client onboarding will show them the KYC tools on day one. #onboarding #welcome"),
  P("carol", "online", "Video identification is live for non-resident clients in 6 countries. Reminder: the agent must see the document's hologram move on camera. #onboarding #kyc"),
  // Market colour with cashtags
  P("bob", "markets", "Morning colour: $EURUSD back above 1.09 after softer US payrolls; European banks opened higher, $BNP +1.8%, $GLE +2.1%. Bund yield down 6 bp. #markets"),
  P("alice", "markets", "Client questions today were all about $NVDA after earnings. Our line: strong guidance, but position size matters more than the headline. #markets #clientquestions"),
  P("bob", "markets", "Point marché : $MC recule de 3 % après des ventes en Chine plus faibles ; le luxe pèse sur le CAC 40, alors que $TTE profite du rebond du pétrole. #marchés"),
  P("bob", "research", "Sector note draft: insurers look cheap versus banks. $AXA and $CS trade at 8× earnings with solvency above 200%. Desk only until compliance review. #research #insurance"),
  P("alice", "markets", "Gold at a record and clients asking whether to add more. Reminder: the house view caps commodities at 5% of a balanced mandate. #markets #wealth"),
  P("bob", "markets", "Rates: the 2s10s curve finally positive again. Fixed-rate mortgage pricing follows with about a month's lag, so expect client calls. #rates #mortgage"),
  P("ivan", "markets", "Euro high-yield primary is busy again: four deals this week, all oversubscribed. Spreads tighter than before the summer. #markets #credit"),
  // Fraud prevention
  P("carol", "fraud", "New pattern: fake 'bank advisor' calls that spoof our branch numbers, then ask clients to move savings to a 'safe account'. There is no such thing. Script for worried clients pinned in the space. #fraudprevention"),
  P("carol", "fraud", "Arnaque au faux conseiller : 14 signalements cette semaine, surtout des clients de plus de 70 ans. Pensez à proposer le plafond de virement réduit. #fraude #prévention"),
  P("curator", "fraud", "Investment scams on social media use deepfake videos of well-known CEOs. If a client mentions a 'guaranteed' crypto platform, escalate before the transfer leaves. #fraudprevention #crypto"),
  P("alice", "fraud", "Stopped a €48,000 transfer today: a client was 'buying a car' from a seller who refused to meet. A two-minute conversation saved their savings. #fraudprevention #kudos"),
  P("carol", "fraud", "Mule accounts: young clients are being recruited on messaging apps to 'lend' their account for a fee. Watch for sudden inbound transfers followed by instant withdrawals. #fraudprevention #aml"),
  // Operations
  P("carol", "online", "Incident closed: card payments were declined for 23 minutes this morning because of a certificate renewal at the processor. Root-cause review Thursday. #operations #incident"),
  P("admin", "compliance", "Operational resilience test next Saturday: we fail over the payments platform to the second data centre. No client impact expected; on-call list in the space. #operations #dora"),
  P("carol", "service", "Back-office backlog on address changes is down from 900 to 120 after we let clients do it in the app with ID verification. #operations #customerservice"),
  P("curator", "practices", "Opérations : une check-list de fin de journée pour les guichets a supprimé les écarts de caisse trois semaines de suite. #opérations #bonnepratique"),
  P("admin", "paris", "Les nouveaux scanners de chèques sont installés dans les agences de Paris. Formation de 20 minutes à réserver dans l'outil RH. #opérations #paris"),
  P("carol", "service", "SWIFT gpi tracking is now visible to advisers: when a client asks where their international transfer is, you can tell them which bank holds it right now. #operations #payments"),
];

// Daily notes that change with the day: market moves, fraud and operations figures.
const TICKERS = ["$BNP", "$GLE", "$ACA", "$AXA", "$MC", "$TTE", "$SAN", "$AIR", "$OR", "$DBK", "$HSBA", "$UBSG", "$JPM", "$ASML", "$SAP"];
const UP_EN = ["after results beat estimates", "on a broker upgrade", "on takeover talk", "after a buyback announcement", "as rates moved lower"];
const DOWN_EN = ["as guidance was cut", "on weaker trading volumes", "after a broker downgrade", "on a surprise provision charge"];
const UP_FR = ["après des résultats meilleurs que prévu", "sur un relèvement de recommandation", "sur des rumeurs de rachat", "après l'annonce d'un rachat d'actions"];
const DOWN_FR = ["après un avertissement sur les marges", "sur une dégradation de recommandation", "après une provision inattendue"];
const FX = ["$EURUSD", "$EURGBP", "$USDJPY", "$EURCHF"];
const OPS_EN = [
  (n: number) => `Payments operations: ${n} SEPA instant payments held for screening yesterday, median release time ${4 + (n % 7)} minutes. #operations #payments`,
  (n: number) => `Branch cash logistics: ${n % 9 + 2} ATMs ran low over the weekend in the west region; restocking moved to Friday afternoons. #operations`,
  (n: number) => `Fraud desk weekly: ${20 + (n % 30)} phishing reports, ${3 + (n % 6)} confirmed account takeovers, all cards blocked within the hour. #fraudprevention`,
  (n: number) => `Credit operations: ${30 + (n % 40)} mortgage files signed this week, average time from offer to signature ${9 + (n % 6)} days. #creditrisk #mortgage`,
  (n: number) => `Onboarding funnel: ${55 + (n % 30)}% of app applications completed without an adviser this week; most drop-outs at proof of address. #onboarding`,
  (n: number) => `AML alerts: ${100 + (n * 7) % 90} alerts reviewed, ${2 + (n % 4)} escalated to the MLRO, backlog under two days. #aml #monitoring`,
];
const OPS_FR = [
  (n: number) => `Bilan fraude de la semaine : ${10 + (n % 25)} tentatives de faux conseiller bloquées, ${n % 5 + 2} virements rappelés avec succès. #fraude`,
  (n: number) => `Service client : ${85 + (n % 12)} % des réclamations traitées sous 48 h cette semaine. Merci aux équipes de Lyon et Paris. #serviceclient #opérations`,
  (n: number) => `Entrées en relation : ${40 + (n % 35)} nouveaux clients professionnels ce mois-ci, dossier KYC complet du premier coup pour ${60 + (n % 30)} % d'entre eux. #onboarding #kyc`,
];
const AUTHORS = ["alice", "bob", "carol", "curator", "compliance", "hr", "admin"];

function dailyNote(i: number): DemoPost {
  const a = TICKERS[(i * 7) % TICKERS.length];
  const b = TICKERS[(i * 11 + 3) % TICKERS.length];
  const pct = (x: number) => (((x * 37) % 41) / 10 + 0.3).toFixed(1);
  const up = i % 3 !== 0;
  const k = Math.floor(i / 4);
  switch (i % 4) {
    case 0:
      return P("bob", "markets", `Market colour: ${a} ${up ? "+" : "−"}${pct(i)}% ${(up ? UP_EN : DOWN_EN)[k % (up ? UP_EN : DOWN_EN).length]}; ${b} ${up ? "−" : "+"}${pct(i + 5)}%. ${FX[k % FX.length]} ${k % 2 ? "little changed" : "firmer"}. #markets`);
    case 1:
      return P(k % 2 ? "alice" : "bob", "paris", `Point marché : ${a} ${up ? "progresse" : "recule"} de ${pct(i).replace(".", ",")} % ${(up ? UP_FR : DOWN_FR)[k % (up ? UP_FR : DOWN_FR).length]}. ${FX[(k + 1) % FX.length]} ${k % 2 ? "stable" : "en légère hausse"}. #marchés`);
    case 2:
      return P(["carol", "compliance", "admin", "curator"][k % 4], ["online", "compliance", "fraud", "service"][k % 4], `Week ${k + 1} — ${OPS_EN[k % OPS_EN.length](i)}`);
    default:
      return P(["carol", "curator", "hr"][k % 3], ["fraud", "service", "paris"][k % 3], `Semaine ${k + 1} — ${OPS_FR[k % OPS_FR.length](i)}`);
  }
}

/**
 * 200+ posts, no two alike: the hand-written ones, dated notes in between, and the themed
 * posts last, so the newest (what the home feed shows first) are the richest. Comments and
 * reactions are spread over them.
 */
export function demoPosts(count = 210): DemoPost[] {
  const notes: DemoPost[] = [];
  for (let i = 0; BASE.length + notes.length + THEMED.length < count; i++) notes.push(dailyNote(i));
  return [...BASE, ...notes, ...THEMED].map((p, i) => {
    const french = /[àâçéèêëîïôûù]|\b(le|la|les|des|pour|une)\b/i.test(String(p.parts[0]));
    const replies = french ? FR_REPLIES : EN_REPLIES;
    const commenter = AUTHORS[(i * 3 + 2) % AUTHORS.length];
    return {
      ...p,
      comments: i % 3 !== 1 && commenter !== p.author ? [{ author: commenter, parts: [replies[(i * 7) % replies.length]] }] : [],
      reactions: (i * 7) % 6,
    };
  });
}

export function toDoc(parts: Part[], ids: Record<string, { id: string; name: string }>) {
  const content = parts.map((p) =>
    typeof p === "string" ? { type: "text", text: p } : { type: "mention", attrs: { id: ids[p.mention].id, label: ids[p.mention].name } },
  );
  return { type: "doc", content: [{ type: "paragraph", content }] };
}

// ---------- Q&A ----------

export type DemoQuestion = {
  author: string;
  space: string | null;
  title: string;
  body: string;
  tags: string[];
  answers: { author: string; text: string }[];
  /** index into answers of the accepted one */
  accepted?: number;
  comments?: { author: string; text: string; onAnswer?: number }[];
  votes?: number;
  /** hours ago it was asked; unanswered ones decide which list they land in */
  hoursAgo: number;
};

const Q = (author: string, space: string | null, title: string, body: string, tags: string[], answers: [string, string][], more: Partial<DemoQuestion> = {}): DemoQuestion => ({
  author,
  space,
  title,
  body,
  tags,
  answers: answers.map(([a, text]) => ({ author: a, text })),
  hoursAgo: 0,
  ...more,
});

const BASE_QUESTIONS: DemoQuestion[] = [
  Q("carol", "compliance", "How do we verify a client's source of funds for KYC?", "A new private banking client wants to transfer a large sum from an inheritance. What evidence do we need?", ["kyc", "onboarding"], [["alice", "Ask for the notarised deed of inheritance and the bank statement showing the transfer; log both in the KYC file."], ["compliance", "Also screen the deceased's estate against sanctions lists before accepting the funds."]], { accepted: 0, votes: 4 }),
  Q("bob", "markets", "Who can approve a client exception to the FX limit?", "A corporate client needs to exceed their daily FX limit for one trade.", ["fx", "limits"], [["alice", "The desk head up to 2× the limit; above that the credit committee."]], { accepted: 0, votes: 2 }),
  Q("alice", "service", "What is the fastest way to refund a card chargeback?", "The client is upset and wants the money back today.", ["card", "complaints"], [["carol", "Use the provisional credit in the back-office tool; it posts the same day and is reversed only if the dispute fails."]], { accepted: 0, votes: 3 }),
  Q("hr", "paris", "Comment déclarer un cadeau client au-dessus du seuil ?", "Un client m'a offert une bouteille de champagne pour les fêtes.", ["conformité", "cadeaux"], [["compliance", "Déclarez-le dans le registre des cadeaux sous 5 jours ouvrés ; au-delà de 150 €, la conformité décide s'il peut être conservé."]], { accepted: 0, votes: 5 }),
  Q("carol", "fraud", "How do we handle a client who received a fake security-team SMS?", "She clicked the link but did not enter her code.", ["fraud", "phishing"], [["curator", "Block the card as a precaution, reset online banking credentials, and file a phishing report with the link."], ["alice", "Call her back on the number on file, never on the number in the SMS."]], { accepted: 0, votes: 6 }),
  Q("alice", "online", "Can joint account holders set separate transfer limits in the app?", "A couple wants different daily limits.", ["onlinebanking", "app"], [["carol", "Yes, since the March release: each holder sets their own limit under Settings → Limits, within the account's ceiling."]], { accepted: 0, votes: 2 }),
  Q("curator", "practices", "Quelle est la bonne pratique pour transmettre un portefeuille client avant un congé ?", "Je pars trois semaines et je veux éviter les oublis de relance.", ["bonnepratique", "relationclient"], [["alice", "Utilisez la note de passation d'une page : encours, rendez-vous prévus, points sensibles, et présentez le remplaçant par e-mail."]], { accepted: 0, votes: 3 }),
  Q("bob", "research", "Which data source do we use for European bank NIM estimates?", "The old terminal feed was retired.", ["research", "data"], [["bob", "Self-answer: the new market-data API has the quarterly filings; see the desk wiki."]], { votes: 1 }),
  Q("ivan", "deals", "Who signs off the data room index for a sell-side mandate?", "Falcon data room opens next week.", ["ma", "dataroom"], [["ivan", "The deal captain, after legal review."]], { votes: 0 }),
  Q("alice", "wealth", "Which fee grid applies to discretionary mandates above 5 million?", "Confidential: a client is negotiating fees.", ["fees", "wealth"], [["curator", "The premium grid (0.65%), and any discount beyond 10 bp needs the head of wealth's approval."]], { accepted: 0, votes: 1 }),
  Q("compliance", "compliance", "Do we need pre-clearance for ETFs in personal account dealing?", "Staff keep asking about broad index ETFs.", ["pad", "compliance"], [["curator", "No for broad index ETFs; yes for single-stock and sector ETFs on the restricted list."]], { accepted: 0, votes: 4 }),
  Q("carol", "service", "Comment répondre à une réclamation sur des frais de tenue de compte ?", "Le client conteste des frais prélevés depuis six mois.", ["réclamations", "frais"], [["alice", "Vérifiez la convention signée ; si les frais n'y figurent pas, remboursez et répondez avec le modèle validé par la conformité."]], { accepted: 0, votes: 2 }),
  Q("hr", "paris", "How many remote working days can I take per week?", "New joiner in Paris.", ["hr", "remote"], [["admin", "Two per week by default, three with your manager's agreement."]], { accepted: 0, votes: 1 }),
  Q("alice", "markets", "How should we explain the last ECB rate decision to retail clients?", "Clients with savings products keep calling.", ["rates", "clientquestions"], [["bob", "Focus on what changes for them: savings rates follow with a one-month lag; fixed mortgages do not change."]], { accepted: 0, votes: 5 }),
  Q("curator", "online", "Why does the app log clients out after five minutes?", "Several complaints this week.", ["app", "onlinebanking"], [["carol", "It is the security timeout required for payments; biometric login makes it painless."]], { accepted: 0, votes: 2 }),
  Q("carol", "fraud", "Qui contacter pour une suspicion de fraude au virement interne ?", "Un collègue pense qu'un ordre a été modifié.", ["fraude", "virement"], [["compliance", "La cellule fraude, via le formulaire d'alerte ; ne modifiez rien dans le dossier."]], { accepted: 0, votes: 3 }),
];

const GEN_TOPICS: { tag: string; space: string; fr: boolean; asks: string[]; answer: string; experts: string[] }[] = [
  { tag: "kyc", space: "compliance", fr: false, asks: ["How do we refresh KYC for a dormant account?", "What documents prove the address of a non-resident client?", "When must we redo the KYC of a corporate client?", "How do we verify the beneficial owner of a trust?"], answer: "Follow the KYC refresh checklist: updated ID, proof of address under 3 months, and a new risk rating signed by the reviewer.", experts: ["alice", "compliance"] },
  { tag: "aml", space: "compliance", fr: false, asks: ["When do we file a suspicious activity report?", "How do we screen a new supplier against sanctions lists?", "What is the threshold for enhanced due diligence?"], answer: "File within 24 hours of the suspicion with the MLRO; do not tip off the client.", experts: ["compliance", "curator"] },
  { tag: "mortgage", space: "markets", fr: false, asks: ["Can a client switch from a variable to a fixed mortgage mid-term?", "How do we explain early repayment penalties?", "What income proof do self-employed borrowers need?"], answer: "Yes, with a switching fee; run the simulation in the lending tool and give the client the written offer.", experts: ["alice", "bob"] },
  { tag: "payroll", space: "paris", fr: true, asks: ["Quand la paie de décembre est-elle versée ?", "Comment corriger une erreur sur ma fiche de paie ?", "Où trouver mon attestation employeur ?"], answer: "Ouvrez une demande dans le portail RH ; la correction apparaît sur la paie suivante.", experts: ["hr", "admin"] },
  { tag: "serviceclient", space: "service", fr: true, asks: ["Comment rappeler un client mécontent sans l'agacer davantage ?", "Quel délai promettre pour une réponse écrite ?", "Comment clôturer une réclamation résolue par téléphone ?"], answer: "Reformulez d'abord le problème, proposez une solution datée, puis confirmez par écrit sous 48 h.", experts: ["carol", "curator"] },
  { tag: "card", space: "online", fr: false, asks: ["How does a client order a replacement card abroad?", "Why was a contactless payment declined?", "How do we raise a card's online payment limit?"], answer: "In the app under Cards; abroad, the express courier option delivers in 3 working days.", experts: ["carol", "alice"] },
];

/** 60+ questions in English and French: answered and accepted, answered, unanswered within target, and breached. */
export function demoQuestions(): DemoQuestion[] {
  const out: DemoQuestion[] = BASE_QUESTIONS.map((q, i) => ({ ...q, hoursAgo: 24 * (2 + (i % 9)) + i, comments: i % 3 === 0 ? [{ author: "curator", text: i % 2 ? "Merci, très clair." : "Thanks, this is now in the FAQ." }] : [] }));
  const askers = ["carol", "bob", "hr", "curator", "alice", "admin"];
  let n = 0;
  for (let round = 0; round < 3; round++) {
    for (const t of GEN_TOPICS) {
      for (const ask of t.asks) {
        const author = askers[(n + round) % askers.length];
        const expert = t.experts.find((e) => e !== author) ?? "curator";
        const state = n % 6; // 0–3 answered (0–2 accepted), 4 unanswered within target, 5 breached
        const title = round === 0 ? ask : t.fr ? `${ask.replace(/ \?$/, "")} (cas n° ${round + 1}) ?` : `${ask.replace(/\?$/, "")} (case ${round + 1})?`;
        out.push({
          author,
          space: t.space,
          title,
          body: t.fr ? `Question de l'équipe, sur #${t.tag}.` : `Asked by the team, about #${t.tag}.`,
          tags: [t.tag],
          answers: state <= 3 ? [{ author: expert, text: t.answer }] : [],
          accepted: state <= 2 ? 0 : undefined,
          votes: state <= 3 ? n % 4 : 0,
          comments: state === 1 ? [{ author: t.experts[1] === author ? "curator" : t.experts[1], text: t.fr ? "Je confirme." : "Confirmed, same on our side.", onAnswer: 0 }] : [],
          // unanswered: asked 20 minutes ago (within the 2 h target) or 5 hours ago (breached)
          hoursAgo: state === 4 ? 1 / 3 : state === 5 ? 5 + (n % 5) : 6 + n * 3,
        });
        n++;
      }
    }
  }
  return out;
}
