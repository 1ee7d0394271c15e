/**
 * Keyboard shortcuts: space play/pause, ←/→ seek 5 s, ↑/↓ volume, N next, P previous, M mute,
 * / search. None fires while the user types in a field or holds a modifier (browser and screen
 * reader shortcuts stay theirs).
 */

export type ShortcutAction = "togglePlay" | "seekBack" | "seekForward" | "volumeUp" | "volumeDown" | "next" | "previous" | "toggleMute" | "focusSearch";

export const SEEK_STEP_SECONDS = 5;
export const VOLUME_STEP = 0.05;

export interface KeyInfo {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
}

/** What the key went to: enough of an element to tell whether the user is typing. */
export interface TargetInfo {
  tagName: string;
  type?: string | null;
  isContentEditable?: boolean;
  role?: string | null;
}

/** Input types where a key press is not text: space and arrows there are still shortcuts, except on range inputs. */
const NON_TEXT_INPUTS = new Set(["checkbox", "radio", "button", "submit", "reset", "color", "file", "image"]);

export function isTyping(target: TargetInfo | null): boolean {
  if (!target) return false;
  const tag = target.tagName.toUpperCase();
  if (target.isContentEditable) return true;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NON_TEXT_INPUTS.has((target.type ?? "text").toLowerCase());
  return target.role === "textbox" || target.role === "combobox" || target.role === "searchbox";
}

/**
 * The action for a key press, or null. Space on a button or link keeps its own meaning
 * (activating that control), so it is not taken there.
 */
export function shortcutFor(event: KeyInfo, target: TargetInfo | null): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (isTyping(target)) return null;
  const tag = target?.tagName.toUpperCase();
  const activatable = tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || (tag === "INPUT" && target?.type !== "range");
  switch (event.key) {
    case " ":
    case "Spacebar":
      return activatable ? null : "togglePlay";
    case "ArrowLeft":
      return "seekBack";
    case "ArrowRight":
      return "seekForward";
    case "ArrowUp":
      return "volumeUp";
    case "ArrowDown":
      return "volumeDown";
    case "n":
    case "N":
      return "next";
    case "p":
    case "P":
      return "previous";
    case "m":
    case "M":
      return "toggleMute";
    case "/":
      return "focusSearch";
    default:
      return null;
  }
}
