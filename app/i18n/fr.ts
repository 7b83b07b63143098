import type { MessageKey, Translation } from "./en";
import { analyticsFr } from "./messages/analytics";
import { complianceFr } from "./messages/compliance";
import { supervisionFr } from "./messages/supervision";
import { auditFr } from "./messages/audit";
import { digestFr } from "./messages/digest";
import { discoveryFr } from "./messages/discovery";
import { feedFr } from "./messages/feed";
import { peopleFr } from "./messages/people";
import { integrationsFr } from "./messages/integrations";
import { ssoFr } from "./messages/sso";
import { searchFr } from "./messages/search";
import { qaFr } from "./messages/qa";
import { recordsFr } from "./messages/records";
import { spacesFr } from "./messages/spaces";
import { approvalsFr } from "./messages/approvals";
import { webhooksFr } from "./messages/webhooks";
import { usagePolicyFr } from "./messages/usage-policy";

// French typography: a non-breaking space (\u00a0) inside « » and before : ; ? !
// `satisfies Translation` fails typecheck if a message drops one of its English placeholders.
export const fr: Record<MessageKey, string> = {
  // App
  "app.name": "Atrium",
  "meta.title": "{page} · Atrium",

  // Shell
  "shell.skipToContent": "Aller au contenu",
  "shell.home": "Accueil Atrium",
  "shell.primaryNav": "Principale",
  "shell.menu": "Menu",
  "shell.openMenu": "Ouvrir le menu",
  "shell.closeMenu": "Fermer le menu",
  "shell.accountMenu": "Menu du compte",
  "shell.accountLinks": "Compte",

  // Navigation
  "nav.feed": "Fil",
  "nav.questions": "Questions",
  "nav.experts": "Experts",
  "nav.bestPractices": "Bonnes pratiques",
  "nav.spaces": "Espaces",
  "nav.search": "Recherche",
  "nav.compliance": "Conformité",
  "nav.analytics": "Statistiques",
  "nav.adminUsers": "Gérer les utilisateurs",
  "nav.outbox": "Échecs de livraison",
  "nav.notificationSettings": "Résumé par e-mail",

  // User menu
  "user.mySessions": "Mes sessions",
  "user.signOut": "Se déconnecter",
  "user.signedInAs": "Connecté en tant que {name}",
  "user.signIn": "Se connecter",
  "user.language": "Langue",
  "user.preferences": "Langue et fuseau horaire",
  "prefs.title": "Langue et fuseau horaire",
  "prefs.intro": "La langue d’Atrium et l’heure affichée pour vous.",
  "prefs.language": "Langue",
  "prefs.timeZone": "Fuseau horaire",
  "prefs.browserZone": "Celui de ce navigateur ({zone})",
  "prefs.save": "Enregistrer",
  "prefs.saved": "Enregistré.",
  "prefs.badZone": "Choisissez un fuseau horaire dans la liste.",

  // Search
  "search.label": "Rechercher",
  "search.placeholder": "Rechercher dans Atrium",
  "search.submit": "Rechercher",
  "search.shortcutHint": "Appuyez sur / pour rechercher",
  "search.title": "Recherche",
  "search.resultsFor": "Résultats pour «\u00a0{query}\u00a0»",
  "search.promptTitle": "Rechercher dans Atrium",
  "search.promptBody": "Recherchez parmi les publications, questions, personnes et bonnes pratiques auxquelles vous avez accès.",
  "search.noResultsTitle": "Aucun résultat pour «\u00a0{query}\u00a0»",
  "search.noResultsBody": "Essayez d’autres mots ou vérifiez l’orthographe.",

  // Login
  "login.title": "Connexion",
  "login.heading": "Se connecter à Atrium",
  "login.email": "Adresse e-mail",
  "login.password": "Mot de passe",
  "login.submit": "Se connecter",
  "login.submitting": "Connexion…",
  "login.failed": "L’adresse e-mail ou le mot de passe est incorrect.",
  "login.rateLimited": "Trop de tentatives. Réessayez dans quelques minutes.",
  "login.noAccount": "Pas encore de compte\u00a0? Demandez une invitation à l’administrateur de votre organisation.",

  // First-run setup
  "setup.title": "Configurer Atrium",
  "setup.heading": "Créer le premier administrateur",
  "setup.intro": "Ce compte gérera l’espace de travail de votre organisation. Vous pourrez inviter vos collègues une fois qu’il sera créé.",
  "setup.orgName": "Nom de l’organisation",
  "setup.name": "Votre nom",
  "setup.email": "Adresse e-mail",
  "setup.password": "Mot de passe",
  "setup.passwordHint": "Au moins {min}\u00a0caractères.",
  "setup.submit": "Créer",
  "setup.invalidToken": "Ce lien de configuration n’est pas valide ou a déjà été utilisé.",
  "setup.alreadyDone": "Atrium est déjà configuré. Connectez-vous.",
  "setup.invalidTitle": "Ce lien ne peut pas être utilisé",

  // Invitation acceptance
  "invite.title": "Rejoindre {org}",
  "invite.heading": "Rejoindre {org}",
  "invite.intro": "Vous avez été invité à rejoindre {org} sur Atrium.",
  "invite.email": "Adresse e-mail",
  "invite.name": "Votre nom",
  "invite.password": "Mot de passe",
  "invite.passwordHint": "Au moins {min}\u00a0caractères.",
  "invite.submit": "Rejoindre {org}",
  "invite.invalid": "Ce lien d’invitation n’est pas valide ou a expiré. Demandez-en un nouveau à votre administrateur.",
  "invite.invalidTitle": "Cette invitation ne peut pas être utilisée",
  "invite.emailTaken": "Un compte existe déjà avec cette adresse e-mail. Connectez-vous.",

  // Sessions
  "sessions.title": "Vos sessions",
  "sessions.intro": "Voici les appareils connectés à votre compte. Révoquez ceux que vous ne reconnaissez pas.",
  "sessions.thisDevice": "Cet appareil",
  "sessions.lastActive": "Dernière activité",
  "sessions.created": "Créée le",
  "sessions.expires": "Expire le",
  "sessions.revoke": "Révoquer",
  "sessions.revokeAll": "Révoquer toutes les autres sessions",
  "sessions.ipAddress": "Adresse IP",
  "sessions.device": "Appareil",
  "sessions.unknownDevice": "Appareil inconnu",
  "sessions.unknownIp": "Inconnue",
  "sessions.revoked": "Session révoquée.",
  "sessions.revokedOthers": "Toutes les autres sessions ont été révoquées.",
  "sessions.noOthers": "Vous n’êtes connecté nulle part ailleurs.",
  "sessions.deviceSummary": "{browser} sous {os}",
  "sessions.revokeLabel": "Révoquer la session sur {device}",
  "sessions.signOutHere": "Se déconnecter ici",

  // Admin: users
  "admin.users.title": "Utilisateurs",
  "admin.users.description": "Invitez vos collègues et gérez qui peut utiliser Atrium.",
  "admin.users.invite": "Inviter quelqu’un",
  "admin.users.inviteSubmit": "Créer un lien d’invitation",
  "admin.users.email": "Adresse e-mail",
  "admin.users.name": "Nom",
  "admin.users.role": "Rôle",
  "admin.users.roles": "Rôles",
  "admin.users.status": "Statut",
  "admin.users.inviteLink": "Lien d’invitation",
  "admin.users.inviteLinkHint": "Envoyez ce lien à {email}. Il n’est utilisable qu’une fois et expire dans {days}\u00a0jours.",
  "admin.users.inviteExists": "Une personne avec cette adresse e-mail est déjà membre.",
  "admin.users.copy": "Copier le lien",
  "admin.users.copied": "Copié",
  "admin.users.deactivate": "Désactiver",
  "admin.users.deactivateConfirm": "Désactiver {name}\u00a0? Toutes ses sessions seront fermées et la personne ne pourra plus se connecter.",
  "admin.users.deactivated": "Désactivé",
  "admin.users.active": "Actif",
  "admin.users.invited": "Invité",
  "admin.users.you": "Vous",
  "admin.users.cannotDeactivateSelf": "Vous ne pouvez pas désactiver votre propre compte.",
  "admin.users.empty": "Personne d’autre n’a encore rejoint Atrium. Invitez un collègue pour commencer.",
  "admin.users.members": "Membres de {org}",
  "admin.users.actions": "Actions",
  "admin.users.deactivateLabel": "Désactiver {name}",
  "admin.users.deactivatedNotice": "Le compte a été désactivé et toutes ses sessions ont été fermées.",
  "admin.users.copyFailed": "La copie a échoué. Sélectionnez le lien et copiez-le vous-même.",

  // Roles
  "role.member": "Membre",
  "role.curator": "Curateur",
  "role.compliance": "Responsable conformité",
  "role.hr": "Analyste RH",
  "role.admin": "Administrateur de l’organisation",

  // Forms
  "form.required": "Obligatoire",
  "form.invalidEmail": "Adresse e-mail non valide",
  "form.tooShort": "Doit comporter au moins {min}\u00a0caractères",
  "form.tooLong": "Doit comporter au plus {max}\u00a0caractères",
  "form.invalidValue": "Valeur non valide",
  "form.tooLarge": "Requête trop volumineuse",
  "form.fixErrors": "Veuillez corriger les champs signalés.",
  "form.optional": "Facultatif",
  "form.save": "Enregistrer",
  "form.saving": "Enregistrement…",
  "form.cancel": "Annuler",

  // Errors
  "error.404.title": "Nous n’avons pas trouvé cette page",
  "error.404.body": "Elle a peut-être été déplacée ou supprimée, ou vous n’y avez pas accès.",
  "error.403.title": "Vous n’avez pas accès à cette page",
  "error.403.body": "Si vous pensez devoir y accéder, adressez-vous à l’administrateur de votre organisation.",
  "error.413.title": "Cette requête est trop volumineuse",
  "error.413.body": "Réessayez avec moins de contenu.",
  "error.400.title": "Nous n’avons pas pu traiter cette requête",
  "error.400.body": "Vérifiez votre saisie et réessayez.",
  "error.500.title": "Un problème est survenu de notre côté",
  "error.500.body": "Réessayez dans un instant. Si le problème persiste, contactez votre administrateur.",
  "error.generic.title": "Un problème est survenu",
  "error.generic.body": "Réessayez. Si le problème persiste, contactez votre administrateur.",
  "error.status": "Erreur {status}",
  "error.backToFeed": "Retour à votre fil d’actualité",
  "error.notFoundTitle": "Page introuvable",

  // Health
  "health.title": "État du service",
  "health.ok": "Atrium fonctionne.",
  "health.degraded": "Atrium fonctionne en mode dégradé.",
  "health.down": "Atrium est indisponible.",
  "health.database": "Base de données",
  "health.search": "Recherche",
  "health.statusOk": "OK",
  "health.statusDown": "Indisponible",

  // Pages
  "feed.title": "Votre fil d’actualité",
  "feed.emptyTitle": "Rien pour l’instant",
  "feed.emptyBody": "Les publications de vos espaces et des personnes que vous suivez apparaîtront ici.",

  "questions.title": "Questions",
  "questions.description": "Posez vos questions à vos collègues et retrouvez les réponses déjà données.",
  "questions.emptyTitle": "Aucune question pour l’instant",
  "questions.emptyBody": "Les questions posées dans vos espaces apparaîtront ici.",

  "experts.title": "Experts",
  "experts.description": "Trouvez les collègues qui maîtrisent un sujet.",
  "experts.emptyTitle": "Aucun expert référencé pour l’instant",
  "experts.emptyBody": "Les collègues reconnus pour leur expertise apparaîtront ici.",

  "bestPractices.title": "Bonnes pratiques",
  "bestPractices.description": "Des recommandations validées, sélectionnées pour votre organisation.",
  "bestPractices.emptyTitle": "Aucune bonne pratique publiée pour l’instant",
  "bestPractices.emptyBody": "Les recommandations validées par les curateurs apparaîtront ici.",

  "spaces.title": "Espaces",
  "spaces.description": "Équipes, projets et communautés de pratique.",
  "spaces.emptyTitle": "Aucun espace pour l’instant",
  "spaces.emptyBody": "Les espaces dont vous êtes membre ou que vous pouvez rejoindre apparaîtront ici.",

  "compliance.title": "Conformité",
  "compliance.description": "Revue, conservation et gels juridiques.",
  "compliance.emptyTitle": "Rien à examiner",
  "compliance.emptyBody": "Les contenus signalés pour une revue de conformité apparaîtront ici.",

  "analytics.title": "Statistiques",
  "analytics.description": "La participation dans votre organisation, en données agrégées.",
  "analytics.emptyTitle": "Aucune donnée pour l’instant",
  "analytics.emptyBody": "L’activité agrégée apparaîtra ici dès que vos collègues utiliseront Atrium.",

  // Common
  "common.loading": "Chargement…",
  "common.close": "Fermer",
  "common.back": "Retour",
  "common.yes": "Oui",
  "common.no": "Non",
  ...feedFr,
  ...complianceFr,
  ...recordsFr,
  ...supervisionFr,
  ...auditFr,
  ...searchFr,
  ...qaFr,
  ...digestFr,
  ...discoveryFr,
  ...spacesFr,
  ...approvalsFr,
  ...integrationsFr,
  ...ssoFr,
  ...peopleFr,
  ...webhooksFr,
  ...usagePolicyFr,
  ...analyticsFr,
} satisfies Translation;
