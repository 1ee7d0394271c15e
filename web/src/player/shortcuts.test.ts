import { describe, expect, it } from "vitest";
import { isTyping, shortcutFor, type KeyInfo, type TargetInfo } from "./shortcuts";

const key = (name: string, modifiers: Partial<KeyInfo> = {}): KeyInfo => ({ key: name, ctrlKey: false, metaKey: false, altKey: false, ...modifiers });
const body: TargetInfo = { tagName: "BODY" };

describe("keyboard shortcuts", () => {
  it("maps the player keys", () => {
    expect(shortcutFor(key(" "), body)).toBe("togglePlay");
    expect(shortcutFor(key("ArrowLeft"), body)).toBe("seekBack");
    expect(shortcutFor(key("ArrowRight"), body)).toBe("seekForward");
    expect(shortcutFor(key("ArrowUp"), body)).toBe("volumeUp");
    expect(shortcutFor(key("ArrowDown"), body)).toBe("volumeDown");
    expect(shortcutFor(key("n"), body)).toBe("next");
    expect(shortcutFor(key("P"), body)).toBe("previous");
    expect(shortcutFor(key("m"), body)).toBe("toggleMute");
    expect(shortcutFor(key("/"), body)).toBe("focusSearch");
    expect(shortcutFor(key("x"), body)).toBeNull();
  });

  it("does nothing while typing in a field", () => {
    for (const target of [
      { tagName: "INPUT", type: "text" },
      { tagName: "input", type: "search" },
      { tagName: "INPUT" },
      { tagName: "TEXTAREA" },
      { tagName: "SELECT" },
      { tagName: "DIV", isContentEditable: true },
      { tagName: "DIV", role: "textbox" },
    ]) {
      expect(isTyping(target)).toBe(true);
      expect(shortcutFor(key("n"), target)).toBeNull();
      expect(shortcutFor(key(" "), target)).toBeNull();
    }
  });

  it("leaves sliders their arrows, and buttons their space", () => {
    expect(shortcutFor(key("ArrowLeft"), { tagName: "INPUT", type: "range" })).toBeNull();
    expect(shortcutFor(key(" "), { tagName: "BUTTON" })).toBeNull();
    expect(shortcutFor(key("n"), { tagName: "BUTTON" })).toBe("next");
    expect(shortcutFor(key(" "), { tagName: "INPUT", type: "checkbox" })).toBeNull();
  });

  it("leaves modified keys to the browser", () => {
    expect(shortcutFor(key("n", { ctrlKey: true }), body)).toBeNull();
    expect(shortcutFor(key("p", { metaKey: true }), body)).toBeNull();
    expect(shortcutFor(key("ArrowLeft", { altKey: true }), body)).toBeNull();
  });
});
