/** The shell around every signed-in page: sidebar navigation, top bar, and the player bar. */
import { Suspense, useEffect, useState, type ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { api } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { Icon, type IconName } from "../components/Icon";
import { Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { PlayerBar } from "../player/PlayerBar";
import { LANGUAGE_NAMES, LANGUAGES, type Language } from "../i18n/translate";
import { SearchBox } from "../library/SearchBox";
import { closeScannerSocket } from "../realtime/scanner";
import { nextTheme, setTheme, useTheme, type Theme } from "../theme/theme";
import { LAYOUT_ROUTES } from "./routes";

const THEME_ICONS: Record<Theme, IconName> = { dark: "moon", light: "sun", auto: "auto" };

export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const [location] = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);

  // Escape closes the phone drawer and gives the focus back to the button that opened it.
  useEffect(() => {
    if (!menuOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setMenuOpen(false);
      document.querySelector<HTMLButtonElement>(".menu-button")?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [menuOpen]);

  const links = LAYOUT_ROUTES.filter((route) => route.nav && (!route.nav.adminOnly || user?.isAdmin));

  return (
    <div className={menuOpen ? "shell menu-open" : "shell"}>
      <a className="skip-link" href="#main">
        {t("app.skipToContent")}
      </a>
      <nav className="sidebar" id="sidebar" aria-label={t("nav.main")}>
        <div className="brand">
          <Icon name="music" size={24} />
          <span>{t("app.name")}</span>
        </div>
        <ul>
          {links.map(({ path, nav }) =>
            nav ? (
              <li key={path}>
                <Link href={path} onClick={() => setMenuOpen(false)} className={location === path || location.startsWith(`${path}/`) ? "nav-link active" : "nav-link"} aria-current={location === path ? "page" : undefined}>
                  <Icon name={nav.icon} />
                  <span>{t(nav.label)}</span>
                </Link>
              </li>
            ) : null,
          )}
        </ul>
      </nav>
      <button type="button" className="scrim" tabIndex={-1} aria-hidden="true" onClick={() => setMenuOpen(false)} />
      <div className="content">
        <TopBar menuOpen={menuOpen} onMenu={() => setMenuOpen(!menuOpen)} />
        <main id="main" tabIndex={-1}>
          <Suspense fallback={<Loading />}>{children}</Suspense>
        </main>
      </div>
      <PlayerBar />
    </div>
  );
}

function TopBar({ menuOpen, onMenu }: { menuOpen: boolean; onMenu: () => void }) {
  const { t, language, setLanguage } = useI18n();
  const { user, logout } = useAuth();
  const theme = useTheme();
  const name = user?.name || user?.username || "";

  // Remembered on the account too, as in /settings: the account's choice applies at sign-in.
  function chooseLanguage(next: Language) {
    setLanguage(next);
    api.put("/api/users/language", { language: next }).catch(() => undefined);
  }

  function chooseTheme(next: Theme) {
    setTheme(next);
    api.put("/api/users/theme", { theme: next }).catch(() => undefined);
  }

  return (
    <header className="topbar">
      <button
        type="button"
        className="icon-button menu-button"
        aria-label={menuOpen ? t("nav.closeMenu") : t("nav.openMenu")}
        aria-expanded={menuOpen}
        aria-controls="sidebar"
        onClick={onMenu}
      >
        <Icon name={menuOpen ? "close" : "menu"} />
      </button>
      <SearchBox />
      <div className="topbar-spacer" />
      <label className="visually-hidden" htmlFor="language">
        {t("language.label")}
      </label>
      <select id="language" className="select" value={language} onChange={(event) => chooseLanguage(event.target.value as Language)}>
        {LANGUAGES.map((code) => (
          <option key={code} value={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="icon-button"
        aria-label={t("topbar.theme", { theme: t(`theme.${theme}`) })}
        title={t("topbar.theme", { theme: t(`theme.${theme}`) })}
        onClick={() => chooseTheme(nextTheme(theme))}
      >
        <Icon name={THEME_ICONS[theme]} />
      </button>
      <Link href="/profile" className="account" title={t("topbar.profile", { name })}>
        {user?.hasAvatar ? <img className="account-avatar" src={`/api/images/users/${user.id}/avatar`} alt="" width={28} height={28} /> : <Icon name="user" />}
        <span className="account-name">{name}</span>
        <span className="visually-hidden">{t("nav.profile")}</span>
      </Link>
      <button
        type="button"
        className="icon-button"
        aria-label={t("topbar.logout")}
        title={t("topbar.logout")}
        onClick={() => {
          closeScannerSocket();
          void logout();
        }}
      >
        <Icon name="logout" />
      </button>
    </header>
  );
}
