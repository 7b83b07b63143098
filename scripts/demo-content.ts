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
