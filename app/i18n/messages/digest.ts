// Email digest messages (the email, the unsubscribe page, the notification settings page),
// English and French side by side. Merged into the catalogues in ../en.ts and ../fr.ts.
import type { Translation } from "../en";

export const digestEn = {
  // The email
  "digest.subject.one": "Atrium: {count} unread notification",
  "digest.subject.other": "Atrium: {count} unread notifications",
  "digest.greeting": "Hello {name},",
  "digest.intro.daily": "Here is your daily summary of unread notifications on Atrium.",
  "digest.intro.weekly": "Here is your weekly summary of unread notifications on Atrium.",
  "digest.open": "Open",
  "digest.more.one": "And {count} more.",
  "digest.more.other": "And {count} more.",
  "digest.allNotifications": "See all your notifications",
  "digest.why.daily": "You get this email once a day when you have unread notifications.",
  "digest.why.weekly": "You get this email once a week when you have unread notifications.",
  "digest.changeFrequency": "Change how often you get it",
  "digest.unsubscribeLink": "Unsubscribe from these emails",

  // Unsubscribe page
  "digest.unsubscribe.title": "Unsubscribe from email digests",
  "digest.unsubscribe.body": "Stop the emails that summarise your unread notifications. Notifications inside Atrium are not affected.",
  "digest.unsubscribe.confirm": "Unsubscribe",
  "digest.unsubscribe.done": "You are unsubscribed. You will not get digest emails any more.",
  "digest.unsubscribe.invalidTitle": "This link does not work",
  "digest.unsubscribe.invalid": "This unsubscribe link is not valid; it may have been cut short. Sign in to change your email settings.",
  "digest.unsubscribe.settings": "Notification settings",

  // Settings page
  "digest.settings.title": "Notification emails",
  "digest.settings.intro": "Atrium can email you a summary of your unread notifications. It only lists what you can still read.",
  "digest.settings.frequency": "Email digest",
  "digest.settings.off": "Off",
  "digest.settings.daily": "Daily",
  "digest.settings.weekly": "Weekly",
  "digest.settings.save": "Save",
  "digest.settings.saved": "Your email settings are saved.",

  // Development mailbox (local SMTP sink)
  "digest.devMail.title": "Development mailbox",
  "digest.devMail.intro": "SMTP_URL is not set, so mail stays on this machine: the last 100 messages since the server started. Every message is also kept as an .eml file in the data folder's mail directory.",
  "digest.devMail.empty": "No mail yet",
} as const;

// `satisfies`, not a plain Record: keeps each message's placeholders checked against English.
export const digestFr = {
  "digest.subject.one": "Atrium\u00a0: {count}\u00a0notification non lue",
  "digest.subject.other": "Atrium\u00a0: {count}\u00a0notifications non lues",
  "digest.greeting": "Bonjour {name},",
  "digest.intro.daily": "Voici votre résumé quotidien des notifications non lues sur Atrium.",
  "digest.intro.weekly": "Voici votre résumé hebdomadaire des notifications non lues sur Atrium.",
  "digest.open": "Ouvrir",
  "digest.more.one": "Et {count}\u00a0autre.",
  "digest.more.other": "Et {count}\u00a0autres.",
  "digest.allNotifications": "Voir toutes vos notifications",
  "digest.why.daily": "Vous recevez cet e-mail une fois par jour lorsque vous avez des notifications non lues.",
  "digest.why.weekly": "Vous recevez cet e-mail une fois par semaine lorsque vous avez des notifications non lues.",
  "digest.changeFrequency": "Modifier la fréquence",
  "digest.unsubscribeLink": "Se désabonner de ces e-mails",

  "digest.unsubscribe.title": "Se désabonner des résumés par e-mail",
  "digest.unsubscribe.body": "Ne plus recevoir les e-mails qui résument vos notifications non lues. Les notifications dans Atrium ne changent pas.",
  "digest.unsubscribe.confirm": "Se désabonner",
  "digest.unsubscribe.done": "Vous êtes désabonné. Vous ne recevrez plus de résumés par e-mail.",
  "digest.unsubscribe.invalidTitle": "Ce lien ne fonctionne pas",
  "digest.unsubscribe.invalid": "Ce lien de désabonnement n’est pas valide\u00a0; il a peut-être été tronqué. Connectez-vous pour modifier vos préférences d’e-mail.",
  "digest.unsubscribe.settings": "Préférences de notification",

  "digest.settings.title": "E-mails de notification",
  "digest.settings.intro": "Atrium peut vous envoyer par e-mail un résumé de vos notifications non lues. Il ne contient que ce que vous pouvez encore lire.",
  "digest.settings.frequency": "Résumé par e-mail",
  "digest.settings.off": "Désactivé",
  "digest.settings.daily": "Quotidien",
  "digest.settings.weekly": "Hebdomadaire",
  "digest.settings.save": "Enregistrer",
  "digest.settings.saved": "Vos préférences d’e-mail sont enregistrées.",

  "digest.devMail.title": "Boîte de développement",
  "digest.devMail.intro": "SMTP_URL n’est pas défini : le courrier reste sur cette machine. Voici les 100 derniers messages depuis le démarrage du serveur ; chacun est aussi conservé en fichier .eml dans le dossier mail du répertoire de données.",
  "digest.devMail.empty": "Aucun message pour l’instant",
} satisfies Pick<Translation, keyof typeof digestEn>;
