/**
 * Dark / light / auto: the chosen theme in localStorage, the resolved one on <html data-theme>
 * (styles.css keys its colour variables on it). One store, so every component sees the same theme.
 */
import { useSyncExternalStore } from "react";

export const THEMES = ["dark", "light", "auto"] as const;
export type Theme = (typeof THEMES)[number];

const KEY = "echo.theme";
const DARK_QUERY = "(prefers-color-scheme: dark)";
const listeners = new Set<() => void>();
let current: Theme = "auto";

export function resolveTheme(theme: Theme, prefersDark: boolean): "dark" | "light" {
  if (theme === "auto") return prefersDark ? "dark" : "light";
  return theme;
}

/** The theme after `theme` in the toggle's cycle. */
export function nextTheme(theme: Theme): Theme {
  return THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length] ?? "auto";
}

function apply(): void {
  const resolved = resolveTheme(current, window.matchMedia(DARK_QUERY).matches);
  document.documentElement.dataset.theme = resolved;
  document.querySelector('meta[name="theme-color"]')?.setAttribute("content", resolved === "dark" ? "#121417" : "#f7f7f9");
}

/** Called once before the first render, so the page never flashes the wrong colours. */
export function startTheme(): void {
  const stored = localStorage.getItem(KEY);
  current = THEMES.find((theme) => theme === stored) ?? "auto";
  apply();
  // "auto" follows the system while the page is open.
  window.matchMedia(DARK_QUERY).addEventListener("change", () => {
    if (current === "auto") apply();
  });
}

export function setTheme(theme: Theme): void {
  current = theme;
  localStorage.setItem(KEY, theme);
  apply();
  for (const listener of listeners) listener();
}

/**
 * The account's theme: on signing in it replaces this browser's (the account follows the user to
 * a new device); on a page load it only fills in a browser that has no choice of its own, so a
 * choice made here a moment ago is not undone by a save still on its way to the server.
 */
export function adoptTheme(value: string, replace: boolean): void {
  const theme = THEMES.find((known) => known === value);
  if (!theme || (!replace && localStorage.getItem(KEY) !== null)) return;
  setTheme(theme);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, () => current);
}
