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

const EN_FILLERS = [
  "Thanks for sharing — we'll try this on our desk next week.",
  "Useful. Could you post the template in the Best Practices space?",
  "We saw the same pattern in Lyon. Adding our numbers below.",
  "Great point. Tagging this for the monthly roundup.",
  "Does this apply to professional clients as well?",
];
const FR_FILLERS = [
  "Merci pour le partage, on teste ça la semaine prochaine.",
  "Très utile. Tu peux mettre le modèle dans l'espace Bonnes pratiques ?",
  "Même constat à Lyon, nos chiffres suivent.",
  "Bonne idée, je l'ajoute au récap du mois.",
];
const TOPICS_EN = [
  ["rates", "How are you explaining the latest rate decision to clients?"],
  ["customerservice", "What is your best script for a first call after a complaint?"],
  ["fraudprevention", "New scam variant reported today: fake delivery texts with a payment link."],
  ["onlinebanking", "The new transfer screen confuses some older clients. Ideas for a short guide?"],
  ["compliance", "Reminder to log every client gift above the threshold in the register."],
  ["markets", "Morning note: bond yields up, equities flat, $EURUSD steady."],
  ["bestpractice", "Sharing our checklist for onboarding a new corporate client in under a week."],
  ["esg", "Clients increasingly ask about the carbon footprint of their portfolios."],
] as const;
const TOPICS_FR = [
  ["taux", "Comment expliquez-vous la dernière décision de taux à vos clients ?"],
  ["serviceclient", "Votre meilleure formule pour rappeler un client mécontent ?"],
  ["fraude", "Nouvelle arnaque signalée : faux SMS de livraison avec lien de paiement."],
  ["banqueenligne", "Le nouvel écran de virement déroute certains clients. Un petit guide ?"],
  ["conformité", "Pensez à déclarer les cadeaux clients au-delà du seuil."],
  ["marchés", "Point du matin : taux en hausse, actions stables, $BNP en léger repli."],
] as const;
const SPACES_BY_TOPIC: Record<string, string> = {
  rates: "markets", customerservice: "service", fraudprevention: "fraud", onlinebanking: "online", compliance: "compliance",
  markets: "markets", bestpractice: "practices", esg: "markets", taux: "paris", serviceclient: "service", fraude: "fraud",
  banqueenligne: "online", conformité: "compliance", marchés: "paris",
};
const AUTHORS = ["alice", "bob", "carol", "curator", "compliance", "hr", "admin"];

/** 200+ posts: the hand-written ones above, then varied topical posts, with comments and reactions. */
export function demoPosts(count = 210): DemoPost[] {
  const out: DemoPost[] = BASE.map((p, i) => ({
    ...p,
    comments: i % 2 === 0 ? [{ author: AUTHORS[(i + 2) % AUTHORS.length], parts: [EN_FILLERS[i % EN_FILLERS.length]] }] : [],
    reactions: (i * 7) % 6,
  }));
  let i = 0;
  while (out.length < count) {
    const french = i % 3 === 2;
    const [tag, text] = french ? TOPICS_FR[i % TOPICS_FR.length] : TOPICS_EN[i % TOPICS_EN.length];
    const author = AUTHORS[(i * 5) % AUTHORS.length];
    const space = SPACES_BY_TOPIC[tag];
    const week = 1 + (i % 9);
    const parts: Part[] = [french ? `${text} (semaine ${week}) #${tag}` : `${text} (week ${week}) #${tag}`];
    if (i % 11 === 0) parts.push(" ", { mention: author === "carol" ? "alice" : "carol" });
    const fill = french ? FR_FILLERS : EN_FILLERS;
    out.push({
      author,
      space,
      parts,
      comments: i % 3 === 0 ? [{ author: AUTHORS[(i + 3) % AUTHORS.length], parts: [fill[i % fill.length]] }] : [],
      reactions: i % 5,
    });
    i++;
  }
  return out;
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
