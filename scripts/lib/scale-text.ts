// English and French banking content for the scale seed: sentences, hashtags, cashtags,
// question titles and replies, combined by a seeded PRNG into rich-text documents.

export const TAGS_EN = ["rates", "fraudprevention", "onboarding", "kyc", "esg", "mortgages", "compliance", "clientquestions", "app", "markets", "bestpractice", "customerservice", "payments", "cybersecurity", "wealth", "earnings", "liquidity", "aml", "training", "wellbeing"];
export const TAGS_FR = ["taux", "fraude", "conformité", "serviceclient", "bonnepratique", "crédit", "épargne", "paiements", "formation", "agence", "immobilier", "durabilité"];
export const CASHTAGS = ["BNP", "GLE", "ACA", "JPM", "BAC", "HSBA", "DBK", "SAN", "AAPL", "MSFT", "EURUSD", "UBSG", "INGA"];

const EN = [
  "Clients keep asking how the rate path affects their savings products",
  "Our checklist for client calls cut review time by a third",
  "We blocked several push-payment scams last week thanks to the confirmation-of-payee prompt",
  "Reminder: we never ask clients for one-time codes over the phone",
  "The mobile app release moved the card-freeze button to the home screen",
  "Margins held up better than expected in the first weeks of earnings season",
  "Summarise the client's issue back to them before proposing a fix",
  "Pattern spotted: invoice redirection emails imitating our suppliers",
  "A one-page handover note keeps client follow-ups on track during leave",
  "The onboarding backlog is down to two days after the new document upload flow",
  "Does anyone have a template for the annual suitability review",
  "Mortgage applications picked up after the last rate announcement",
  "Our branch now books advice meetings online and no-shows halved",
  "Please check the target market before proposing a structured product",
  "Sanctions screening alerts spiked after the list update on Monday",
  "The new liquidity dashboard refreshes every fifteen minutes",
  "Training on the revised AML procedure is mandatory before the end of the month",
  "Client feedback on the new statements layout has been very positive",
  "We tested a shorter KYC questionnaire with small businesses and completion rose",
  "Contact centre waiting times fell after we added call-backs",
];
const FR = [
  "Les clients demandent comment la trajectoire des taux touche leur épargne",
  "Répondre aux réclamations sous 48 h avec un modèle validé par la conformité",
  "Nous avons bloqué plusieurs fraudes au virement grâce à la vérification du bénéficiaire",
  "Rappel : nous ne demandons jamais de code à usage unique par téléphone",
  "La nouvelle version de l'application place le blocage de carte sur l'écran d'accueil",
  "Les demandes de crédit immobilier repartent depuis l'annonce sur les taux",
  "Un récapitulatif écrit après chaque rendez-vous évite les malentendus",
  "Attention aux faux courriels de fournisseurs qui demandent un changement de RIB",
  "La formation sur la procédure LCB-FT est obligatoire avant la fin du mois",
  "L'agence de Lyon prend désormais les rendez-vous en ligne",
  "Quelqu'un a-t-il un modèle pour la revue annuelle d'adéquation",
  "Les retours clients sur les nouveaux relevés sont très positifs",
  "Le tableau de bord de liquidité se met à jour toutes les quinze minutes",
  "Nous avons raccourci le questionnaire KYC pour les professionnels",
  "Les temps d'attente au centre de relation client ont baissé avec le rappel automatique",
];
const QUESTIONS_EN = [
  "How do other teams handle KYC refreshes for dormant accounts?",
  "What is the fastest way to unblock a card frozen by the fraud engine?",
  "Which template do you use for the annual suitability review?",
  "Can joint account holders set their own transfer limits in the app?",
  "How should we explain negative real rates to retail clients?",
  "Who approves marketing material that mentions past performance?",
  "What is the retention period for client chat messages?",
  "How do you onboard a small business with a foreign director?",
];
const QUESTIONS_FR = [
  "Comment gérez-vous la mise à jour KYC des comptes inactifs ?",
  "Quel modèle utilisez-vous pour la revue annuelle d'adéquation ?",
  "Comment expliquer la garantie des dépôts à un client inquiet ?",
  "Que faire quand un distributeur avale la carte d'un client ?",
  "Qui valide les supports commerciaux qui citent des performances ?",
];
const REPLIES_EN = [
  "Thanks, very useful for our team too.",
  "We do the same in London and it works well.",
  "Could you share the template?",
  "Good point, adding it to our checklist.",
  "We use a two-step review for this; happy to walk you through it.",
  "Compliance confirmed this approach last quarter.",
  "Check the procedure on the intranet, section 4 covers it.",
];
const REPLIES_FR = [
  "Merci, très utile pour notre équipe aussi.",
  "Nous faisons pareil à Paris, ça marche bien.",
  "Tu peux partager le modèle ?",
  "Bonne remarque, je l'ajoute à notre liste.",
  "La conformité a validé cette approche le trimestre dernier.",
];

type Node = { type: string; text?: string; attrs?: Record<string, string> };
export type Doc = { type: "doc"; content: { type: "paragraph"; content: Node[] }[] };

const pick = <T,>(r: () => number, xs: readonly T[]) => xs[Math.floor(r() * xs.length)];

/** A post body: two or three sentences, one to three hashtags, sometimes a cashtag. */
export function postDoc(r: () => number, fr: boolean): Doc {
  const sentences = fr ? FR : EN;
  const n = 2 + Math.floor(r() * 2);
  const text = Array.from({ length: n }, () => pick(r, sentences)).join(". ") + ". ";
  const nodes: Node[] = [{ type: "text", text }];
  const tags = new Set(Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, fr ? TAGS_FR : TAGS_EN)));
  for (const t of tags) nodes.push({ type: "hashtag", attrs: { tag: t } }, { type: "text", text: " " });
  if (r() < 0.25) nodes.push({ type: "cashtag", attrs: { symbol: pick(r, CASHTAGS) } });
  return { type: "doc", content: [{ type: "paragraph", content: trimEnd(nodes) }] };
}

export function questionOf(r: () => number, fr: boolean): { title: string; doc: Doc; tags: string[] } {
  const title = pick(r, fr ? QUESTIONS_FR : QUESTIONS_EN);
  const tags = [...new Set(Array.from({ length: 1 + Math.floor(r() * 2) }, () => pick(r, fr ? TAGS_FR : TAGS_EN)))];
  const text = `${pick(r, fr ? FR : EN)}. ${fr ? "Des idées ?" : "Any advice?"}`;
  return { title, doc: { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text }] }] }, tags };
}

export function replyDoc(r: () => number, fr: boolean): Doc {
  return { type: "doc", content: [{ type: "paragraph", content: [{ type: "text", text: pick(r, fr ? REPLIES_FR : REPLIES_EN) }] }] };
}

function trimEnd(nodes: Node[]) {
  while (nodes.length && nodes[nodes.length - 1].type === "text" && !nodes[nodes.length - 1].text!.trim()) nodes.pop();
  return nodes;
}

export const FIRST = ["Léa", "Tom", "Inès", "Sam", "Nora", "Hugo", "Maya", "Yann", "Zoé", "Raj", "Emma", "Luc", "Aya", "Ben", "Jade", "Omar", "Lina", "Paul", "Mila", "Noah", "Chloé", "Arthur", "Sofia", "Jules", "Grace", "Mehdi", "Anna", "Louis"];
export const LAST = ["Roux", "Khan", "Silva", "Weber", "Rossi", "Dupont", "Lee", "Garcia", "Morel", "Fontaine", "Okafor", "Novak", "Martin", "Bernard", "Smith", "Brown", "Nguyen", "Lambert", "Moreau", "Chen"];
export const DEPARTMENTS = ["Retail Banking", "Wealth Management", "Operations", "Markets", "Research", "Risk", "IT", "Compliance", "HR", "Customer Service"];
export const REGIONS: { name: string; fr: boolean }[] = [
  { name: "Paris", fr: true },
  { name: "Lyon", fr: true },
  { name: "Montréal", fr: true },
  { name: "London", fr: false },
  { name: "New York", fr: false },
  { name: "Singapore", fr: false },
];
export const SPACE_TOPICS: { en: string; fr: string }[] = [
  { en: "Markets Pulse", fr: "Marchés" },
  { en: "Fraud Prevention", fr: "Prévention de la fraude" },
  { en: "Customer Service", fr: "Service client" },
  { en: "Online Banking", fr: "Banque en ligne" },
  { en: "Best Practices", fr: "Bonnes pratiques" },
  { en: "Compliance Corner", fr: "Coin conformité" },
  { en: "Mortgages", fr: "Crédit immobilier" },
  { en: "Onboarding", fr: "Entrée en relation" },
  { en: "ESG", fr: "Finance durable" },
  { en: "Payments", fr: "Paiements" },
];
