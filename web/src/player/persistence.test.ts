import { describe, expect, it } from "vitest";
import type { KeyValueStorage } from "../api/tokens";
import { loadSession, loadSettings, loadStreamToken, saveSession, saveSettings, saveStreamToken, EMPTY_SESSION } from "./persistence";
import * as q from "./queue";
import { DEFAULT_SETTINGS } from "./settings";

function memoryStorage(): KeyValueStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, getItem: (key) => values.get(key) ?? null, setItem: (key, value) => void values.set(key, value), removeItem: (key) => void values.delete(key) };
}

const tracks = ["a", "b", "c"].map((id) => ({ id, title: id.toUpperCase(), duration: 120, artistName: "Artist", albumName: "Album", albumId: "al", extra: "not kept" }));

describe("persistence", () => {
  it("restores the queue, the current track, shuffle order, repeat, position and volume", () => {
    const storage = memoryStorage();
    let queue = q.playNow(q.EMPTY_QUEUE, tracks, 1, { context: "album", id: "al" });
    queue = q.setRepeat(q.setShuffle(queue, true), "all");
    saveSession(storage, "u1", { queue, position: 42.5, volume: 0.6, muted: true });
    const restored = loadSession(storage, "u1");
    expect(restored.queue).toEqual(queue);
    expect(restored).toMatchObject({ position: 42.5, volume: 0.6, muted: true });
    expect(q.setShuffle(restored.queue, false).entries.map((entry) => entry.track.id)).toEqual(["a", "b", "c"]);
    expect(JSON.stringify(restored)).not.toContain("not kept");
  });

  it("keeps each user's queue apart", () => {
    const storage = memoryStorage();
    saveSession(storage, "u1", { ...EMPTY_SESSION, queue: q.playNow(q.EMPTY_QUEUE, tracks, 0, { context: "direct" }) });
    expect(loadSession(storage, "u2")).toEqual(EMPTY_SESSION);
  });

  it("starts afresh from corrupt or invalid entries, keeping what is valid", () => {
    const storage = memoryStorage();
    storage.setItem("echo.player.u1.session", "{broken");
    expect(loadSession(storage, "u1")).toEqual(EMPTY_SESSION);
    storage.setItem(
      "echo.player.u1.session",
      JSON.stringify({ version: 1, queue: { entries: [{ key: "k", track: tracks[0] }, { nonsense: true }], current: 5, unshuffled: ["k", "gone"], repeat: "sometimes" }, position: -3, volume: 7 }),
    );
    const session = loadSession(storage, "u1");
    expect(session.queue.entries).toHaveLength(1);
    expect(session.queue).toMatchObject({ current: 0, unshuffled: ["k"], repeat: "off" });
    expect(session.queue.entries[0]?.source).toEqual({ context: "direct" });
    expect(session).toMatchObject({ position: 0, volume: 1, muted: false });
  });

  it("keeps the settings, with defaults for anything missing or out of range", () => {
    const storage = memoryStorage();
    expect(loadSettings(storage, "u1")).toEqual(DEFAULT_SETTINGS);
    saveSettings(storage, "u1", { ...DEFAULT_SETTINGS, crossfadeSeconds: 4, targetLufs: -14, normalization: false });
    expect(loadSettings(storage, "u1")).toMatchObject({ crossfadeSeconds: 4, targetLufs: -14, normalization: false });
    storage.setItem("echo.player.u1.settings", JSON.stringify({ crossfadeSeconds: 99, targetLufs: "loud", normalizationMode: "x" }));
    expect(loadSettings(storage, "u1")).toEqual({ ...DEFAULT_SETTINGS, crossfadeSeconds: 12 });
  });

  it("keeps the stream token and forgets it", () => {
    const storage = memoryStorage();
    saveStreamToken(storage, "u1", { token: "abc", expiresAt: 123 });
    expect(loadStreamToken(storage, "u1")).toEqual({ token: "abc", expiresAt: 123 });
    saveStreamToken(storage, "u1", null);
    expect(loadStreamToken(storage, "u1")).toBeNull();
  });
});
