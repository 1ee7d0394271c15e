/**
 * The pages. Each is loaded on first visit (React.lazy), so a new page does not grow the initial
 * bundle. Pages in LAYOUT_ROUTES render inside the shell (sidebar, top bar, player bar); `nav`
 * puts a link in the sidebar.
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { IconName } from "../components/Icon";
import type { MessageKey } from "../i18n/en";

export interface PageRoute {
  /** A wouter pattern, e.g. "/album/:id". */
  path: string;
  page: LazyExoticComponent<ComponentType>;
  nav?: { label: MessageKey; icon: IconName; adminOnly?: boolean };
}

/** Pages of their own, without the shell (before the user can use the app). */
export const STANDALONE_ROUTES: PageRoute[] = [
  { path: "/setup", page: lazy(() => import("../pages/SetupPage")) },
  { path: "/login", page: lazy(() => import("../pages/LoginPage")) },
  { path: "/first-login", page: lazy(() => import("../pages/FirstLoginPage")) },
];

export const LAYOUT_ROUTES: PageRoute[] = [
  { path: "/home", page: lazy(() => import("../pages/HomePage")), nav: { label: "nav.home", icon: "home" } },
  { path: "/album/:id", page: lazy(() => import("../pages/AlbumPage")) },
  { path: "/search", page: lazy(() => import("../library/SearchPage")), nav: { label: "nav.search", icon: "search" } },
  { path: "/albums", page: lazy(() => import("../library/AlbumsPage")), nav: { label: "nav.albums", icon: "albums" } },
  { path: "/artists", page: lazy(() => import("../library/ArtistsPage")), nav: { label: "nav.artists", icon: "user" } },
  { path: "/artists/:id", page: lazy(() => import("../library/ArtistPage")) },
  { path: "/artist/:id", page: lazy(() => import("../library/ArtistPage")) },
  { path: "/genres", page: lazy(() => import("../library/GenresPage")), nav: { label: "nav.genres", icon: "tag" } },
  { path: "/genres/:id", page: lazy(() => import("../library/GenrePage")) },
  { path: "/favorites", page: lazy(() => import("../library/FavoritesPage")), nav: { label: "nav.favorites", icon: "star" } },
  { path: "/settings", page: lazy(() => import("../pages/SettingsPage")), nav: { label: "nav.settings", icon: "settings" } },
  { path: "/profile", page: lazy(() => import("../profile/ProfilePage")) },
  { path: "/admin", page: lazy(() => import("../admin/AdminPage")), nav: { label: "nav.admin", icon: "admin", adminOnly: true } },
  { path: "/admin/:tab", page: lazy(() => import("../admin/AdminPage")) },
];

export const NotFoundPage = lazy(() => import("../pages/NotFoundPage"));
