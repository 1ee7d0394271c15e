/** English messages: the reference key set (es and fr must have exactly these keys). */
import { adminEn } from "../admin/messages";
import { libraryEn } from "../library/messages";
import { playerEn } from "../player/messages";
export const en = {
  "app.name": "Echo",
  "app.loading": "Loading…",
  "app.skipToContent": "Skip to content",
  "app.error.network": "The server cannot be reached. Check your connection and try again.",
  "app.error.page": "Something went wrong on this page.",
  "app.reload": "Reload",
  "app.retry": "Try again",

  "nav.main": "Main",
  "nav.home": "Home",
  "nav.openMenu": "Open menu",
  "nav.closeMenu": "Close menu",

  "topbar.theme": "Theme: {theme}",
  "topbar.logout": "Log out",
  "topbar.account": "Signed in as {name}",

  "theme.dark": "Dark",
  "theme.light": "Light",
  "theme.auto": "Auto",

  "language.label": "Language",

  "player.label": "Player",
  "player.empty": "Nothing is playing",

  "form.username": "Username",
  "form.password": "Password",
  "form.confirmPassword": "Confirm password",
  "form.passwordMismatch": "The passwords do not match",
  "form.passwordPolicy": "8 to 128 characters with an upper-case letter, a lower-case letter, a digit and a symbol.",
  "form.usernamePolicy": "3 to 50 letters, digits or underscores.",

  "login.title": "Log in to Echo",
  "login.submit": "Log in",
  "login.submitting": "Logging in…",

  "firstLogin.title": "Choose a new password",
  "firstLogin.intro": "Your account has a temporary password. Choose your own to continue.",
  "firstLogin.current": "Current (temporary) password",
  "firstLogin.new": "New password",
  "firstLogin.submit": "Change password",

  "setup.title": "Welcome to Echo",
  "setup.steps": "Setup steps",
  "setup.step": "Step {current} of {total}",
  "setup.admin.title": "Administrator account",
  "setup.admin.intro": "Create the account that manages this server.",
  "setup.admin.exists": "The administrator account {name} already exists.",
  "setup.library.title": "Music library",
  "setup.library.intro": "Choose the folder that holds your music.",
  "setup.library.current": "Current folder",
  "setup.library.roots": "Allowed folders",
  "setup.library.up": "Parent folder",
  "setup.library.hasMusic": "has music",
  "setup.library.unreadable": "cannot be read",
  "setup.library.empty": "No sub-folders here.",
  "setup.library.newFolder": "New folder name",
  "setup.library.create": "Create folder",
  "setup.library.use": "Use this folder",
  "setup.library.chosen": "Library folder: {path}",
  "setup.keys.title": "Metadata services",
  "setup.keys.intro": "Optional: API keys let Echo fetch artist images and biographies. You can add them later.",
  "setup.keys.lastfm": "Last.fm API key",
  "setup.keys.fanart": "Fanart.tv API key",
  "setup.keys.skip": "Skip",
  "setup.finish.title": "Ready",
  "setup.finish.intro": "Echo is ready. Finish the setup to start listening; you can scan the library from the home page.",
  "setup.finish.submit": "Finish setup",
  "setup.back": "Back",
  "setup.next": "Next",

  "home.title": "Home",
  "home.greeting": "Hello, {name}",
  "home.recentAlbums": "Recently added",
  "home.empty": "Your library has no albums yet.",
  "home.emptyAdmin": "Scan the music folder to fill the library.",
  "home.scan": "Scan library",
  "home.scanning": "Scanning the library…",

  "album.by": "by {artist}",
  "album.tracks.one": "{count} track",
  "album.tracks.other": "{count} tracks",
  "album.noCover": "No cover",

  "notFound.title": "Page not found",
  "notFound.back": "Back to home",
  ...libraryEn,
  ...playerEn,
  ...adminEn,
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
