/** Messages en français. */
import { adminFr } from "../admin/messages";
import { libraryFr } from "../library/messages";
import type { Messages } from "./en";
import { playerFr } from "../player/messages";

export const fr: Messages = {
  "app.name": "Echo",
  "app.loading": "Chargement…",
  "app.skipToContent": "Aller au contenu",
  "app.error.network": "Le serveur est injoignable. Vérifiez la connexion et réessayez.",
  "app.error.page": "Un problème est survenu sur cette page.",
  "app.reload": "Recharger",
  "app.retry": "Réessayer",

  "nav.main": "Principal",
  "nav.home": "Accueil",
  "nav.openMenu": "Ouvrir le menu",
  "nav.closeMenu": "Fermer le menu",

  "topbar.theme": "Thème : {theme}",
  "topbar.logout": "Se déconnecter",
  "topbar.account": "Connecté en tant que {name}",

  "theme.dark": "Sombre",
  "theme.light": "Clair",
  "theme.auto": "Automatique",

  "language.label": "Langue",

  "player.label": "Lecteur",
  "player.empty": "Aucune lecture en cours",

  "form.username": "Nom d’utilisateur",
  "form.password": "Mot de passe",
  "form.confirmPassword": "Confirmer le mot de passe",
  "form.passwordMismatch": "Les mots de passe ne correspondent pas",
  "form.passwordPolicy": "De 8 à 128 caractères avec une majuscule, une minuscule, un chiffre et un symbole.",
  "form.usernamePolicy": "De 3 à 50 lettres, chiffres ou tirets bas.",

  "login.title": "Se connecter à Echo",
  "login.submit": "Se connecter",
  "login.submitting": "Connexion…",

  "firstLogin.title": "Choisissez un nouveau mot de passe",
  "firstLogin.intro": "Votre compte a un mot de passe temporaire. Choisissez le vôtre pour continuer.",
  "firstLogin.current": "Mot de passe actuel (temporaire)",
  "firstLogin.new": "Nouveau mot de passe",
  "firstLogin.submit": "Changer le mot de passe",

  "setup.title": "Bienvenue dans Echo",
  "setup.steps": "Étapes de la configuration",
  "setup.step": "Étape {current} sur {total}",
  "setup.admin.title": "Compte administrateur",
  "setup.admin.intro": "Créez le compte qui gère ce serveur.",
  "setup.admin.exists": "Le compte administrateur {name} existe déjà.",
  "setup.library.title": "Bibliothèque musicale",
  "setup.library.intro": "Choisissez le dossier qui contient votre musique.",
  "setup.library.current": "Dossier actuel",
  "setup.library.roots": "Dossiers autorisés",
  "setup.library.up": "Dossier parent",
  "setup.library.hasMusic": "contient de la musique",
  "setup.library.unreadable": "illisible",
  "setup.library.empty": "Aucun sous-dossier.",
  "setup.library.newFolder": "Nom du nouveau dossier",
  "setup.library.create": "Créer le dossier",
  "setup.library.use": "Utiliser ce dossier",
  "setup.library.chosen": "Dossier de la bibliothèque : {path}",
  "setup.keys.title": "Services de métadonnées",
  "setup.keys.intro": "Facultatif : les clés d’API permettent à Echo de récupérer images et biographies d’artistes. Vous pourrez les ajouter plus tard.",
  "setup.keys.lastfm": "Clé d’API Last.fm",
  "setup.keys.fanart": "Clé d’API Fanart.tv",
  "setup.keys.skip": "Passer",
  "setup.finish.title": "Prêt",
  "setup.finish.intro": "Echo est prêt. Terminez la configuration pour commencer l’écoute ; vous pourrez analyser la bibliothèque depuis l’accueil.",
  "setup.finish.submit": "Terminer la configuration",
  "setup.back": "Retour",
  "setup.next": "Suivant",

  "home.title": "Accueil",
  "home.greeting": "Bonjour, {name}",
  "home.recentAlbums": "Ajouts récents",
  "home.empty": "Votre bibliothèque n’a encore aucun album.",
  "home.emptyAdmin": "Analysez le dossier de musique pour remplir la bibliothèque.",
  "home.scan": "Analyser la bibliothèque",
  "home.scanning": "Analyse de la bibliothèque…",

  "album.by": "de {artist}",
  "album.tracks.one": "{count} titre",
  "album.tracks.other": "{count} titres",
  "album.noCover": "Pas de pochette",

  "notFound.title": "Page introuvable",
  "notFound.back": "Retour à l’accueil",
  ...libraryFr,
  ...playerFr,
  ...adminFr,
};
