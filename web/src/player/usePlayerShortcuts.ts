/** The player's keyboard shortcuts on the whole page (see shortcuts.ts for the keys). */
import { useEffect, useRef } from "react";
import { usePlayer, usePlayerState } from "./PlayerProvider";
import { SEEK_STEP_SECONDS, shortcutFor, VOLUME_STEP, type ShortcutAction } from "./shortcuts";

/** The top bar's search field; the search page is opened when there is none. */
const SEARCH_FIELD = "global-search";

export function usePlayerShortcuts(openSearch: () => void): void {
  const player = usePlayer();
  const volume = usePlayerState((state) => state.volume);
  const latest = useRef({ volume, openSearch });

  useEffect(() => {
    latest.current = { volume, openSearch };
  });

  useEffect(() => {
    const run: Record<ShortcutAction, () => void> = {
      togglePlay: () => player.togglePlay(),
      seekBack: () => player.seekBy(-SEEK_STEP_SECONDS),
      seekForward: () => player.seekBy(SEEK_STEP_SECONDS),
      volumeUp: () => player.setVolume(Math.min(1, latest.current.volume + VOLUME_STEP)),
      volumeDown: () => player.setVolume(Math.max(0, latest.current.volume - VOLUME_STEP)),
      next: () => player.next(),
      previous: () => player.previous(),
      toggleMute: () => player.toggleMute(),
      focusSearch: () => {
        const field = document.getElementById(SEARCH_FIELD);
        if (field instanceof HTMLElement) field.focus();
        else latest.current.openSearch();
      },
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.repeat && event.key === " ") return;
      const element = event.target instanceof HTMLElement ? event.target : null;
      const target = element ? { tagName: element.tagName, type: element.getAttribute("type"), isContentEditable: element.isContentEditable, role: element.getAttribute("role") } : null;
      // Inside a dialog (the queue panel) arrows and space belong to its controls.
      if (element?.closest("[role=dialog]") && event.key !== "/" && !/^[nNpPmM]$/.test(event.key)) return;
      const action = shortcutFor(event, target);
      if (!action) return;
      event.preventDefault();
      run[action]();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [player]);
}
