import { describe, expect, it } from "vitest";
import * as q from "./queue";
import type { PlayableTrack } from "./types";

const track = (id: string, albumId = "a1"): PlayableTrack => ({ id, title: `Track ${id}`, duration: 100, artistName: "Artist", albumName: "Album", albumId });
const tracks = (...ids: string[]) => ids.map((id) => track(id));
const ids = (state: q.QueueState) => state.entries.map((entry) => entry.track.id);
const currentId = (state: q.QueueState) => q.currentEntry(state)?.track.id;
const ALBUM = { context: "album", id: "a1" } as const;

/** A deterministic random source for shuffles. */
function seeded(seed: number) {
  let value = seed;
  return () => {
    value = (value * 16807) % 2147483647;
    return (value - 1) / 2147483646;
  };
}

describe("queue", () => {
  it("plays a list from the chosen track", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c"), 1, ALBUM);
    expect(ids(state)).toEqual(["a", "b", "c"]);
    expect(currentId(state)).toBe("b");
    expect(state.entries[0]?.source).toEqual(ALBUM);
  });

  it("clamps a start index outside the list and empties the queue for an empty list", () => {
    expect(currentId(q.playNow(q.EMPTY_QUEUE, tracks("a", "b"), 9, ALBUM))).toBe("b");
    expect(q.playNow(q.EMPTY_QUEUE, [], 0, ALBUM).current).toBe(-1);
  });

  it("inserts play-next tracks right after the current one, and appends added tracks", () => {
    let state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c"), 0, ALBUM);
    state = q.playNext(state, tracks("x", "y"), { context: "queue" });
    expect(ids(state)).toEqual(["a", "x", "y", "b", "c"]);
    state = q.addToQueue(state, tracks("z"), { context: "queue" });
    expect(ids(state)).toEqual(["a", "x", "y", "b", "c", "z"]);
    expect(currentId(state)).toBe("a");
  });

  it("starts an empty queue with added or play-next tracks", () => {
    expect(currentId(q.addToQueue(q.EMPTY_QUEUE, tracks("a"), ALBUM))).toBe("a");
    expect(currentId(q.playNext(q.EMPTY_QUEUE, tracks("b"), ALBUM))).toBe("b");
  });

  it("gives the same track queued twice two entries", () => {
    const state = q.addToQueue(q.playNow(q.EMPTY_QUEUE, tracks("a"), 0, ALBUM), tracks("a"), ALBUM);
    expect(new Set(state.entries.map((entry) => entry.key)).size).toBe(2);
  });

  it("removes entries before, after and at the current one", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c", "d"), 2, ALBUM);
    const before = q.removeAt(state, 0);
    expect(ids(before)).toEqual(["b", "c", "d"]);
    expect(currentId(before)).toBe("c");
    expect(currentId(q.removeAt(state, 3))).toBe("c");
    expect(currentId(q.removeAt(state, 2))).toBe("d");
    const last = q.playNow(q.EMPTY_QUEUE, tracks("a", "b"), 1, ALBUM);
    expect(currentId(q.removeAt(last, 1))).toBe("a");
    expect(q.removeAt(q.removeAt(last, 1), 0).current).toBe(-1);
    expect(q.removeAt(state, 7)).toBe(state);
  });

  it("clears everything, or everything but what is playing", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c"), 1, ALBUM);
    expect(ids(q.clearQueue(state, true))).toEqual(["b"]);
    expect(q.clearQueue(state, true).current).toBe(0);
    expect(q.clearQueue(state, false)).toMatchObject({ entries: [], current: -1 });
  });

  it("reorders, and the current entry stays current wherever it goes", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c", "d"), 1, ALBUM);
    const moved = q.move(state, 3, 0);
    expect(ids(moved)).toEqual(["d", "a", "b", "c"]);
    expect(currentId(moved)).toBe("b");
    const currentMoved = q.move(state, 1, 3);
    expect(ids(currentMoved)).toEqual(["a", "c", "d", "b"]);
    expect(currentMoved.current).toBe(3);
    expect(q.move(state, 0, 9)).toBe(state);
  });

  it("shuffles with the current track first and unshuffles back to the original order", () => {
    const original = tracks(..."abcdefghij");
    const state = q.playNow(q.EMPTY_QUEUE, original, 4, ALBUM);
    const on = q.setShuffle(state, true, seeded(7));
    expect(q.isShuffled(on)).toBe(true);
    expect(currentId(on)).toBe("e");
    expect(on.current).toBe(0);
    expect([...ids(on)].sort()).toEqual([..."abcdefghij"]);
    expect(ids(on)).not.toEqual([..."abcdefghij"]);
    // Moving on while shuffled, then turning shuffle off: the order is back, the track stays.
    const moved = q.jumpTo(on, 3);
    const playing = currentId(moved);
    const off = q.setShuffle(moved, false);
    expect(ids(off)).toEqual([..."abcdefghij"]);
    expect(currentId(off)).toBe(playing);
  });

  it("keeps tracks queued while shuffled when unshuffling: play-next after the current, added at the end", () => {
    let state = q.setShuffle(q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c", "d"), 1, ALBUM), true, seeded(3));
    state = q.playNext(state, tracks("x"), ALBUM);
    state = q.addToQueue(state, tracks("z"), ALBUM);
    expect(ids(state)[1]).toBe("x");
    state = q.removeAt(state, state.entries.findIndex((entry) => entry.track.id === "d"));
    const off = q.setShuffle(state, false);
    expect(ids(off)).toEqual(["a", "b", "x", "c", "z"]);
    expect(currentId(off)).toBe("b");
  });

  it("shuffles a new list played while shuffle is on, starting with the chosen track", () => {
    const on = q.setShuffle(q.EMPTY_QUEUE, true);
    const state = q.playNow(on, tracks("a", "b", "c", "d"), 2, ALBUM, seeded(11));
    expect(currentId(state)).toBe("c");
    expect(state.current).toBe(0);
    expect(ids(q.setShuffle(state, false))).toEqual(["a", "b", "c", "d"]);
  });

  it("goes to the next track, wrapping with repeat all and staying with repeat one", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b"), 1, ALBUM);
    expect(q.nextIndex(q.jumpTo(state, 0), true)).toBe(1);
    expect(q.nextIndex(state, true)).toBeNull();
    expect(q.nextIndex(q.setRepeat(state, "all"), true)).toBe(0);
    expect(q.nextIndex(q.setRepeat(state, "one"), true)).toBe(1);
    // "Next" pressed with repeat one moves on.
    expect(q.nextIndex(q.setRepeat(q.jumpTo(state, 0), "one"), false)).toBe(1);
    expect(q.nextIndex(q.EMPTY_QUEUE, true)).toBeNull();
  });

  it("cycles repeat off → all → one → off", () => {
    expect(q.nextRepeatMode("off")).toBe("all");
    expect(q.nextRepeatMode("all")).toBe("one");
    expect(q.nextRepeatMode("one")).toBe("off");
  });

  it("restarts the track on previous after 3 s, else goes back", () => {
    const state = q.playNow(q.EMPTY_QUEUE, tracks("a", "b", "c"), 1, ALBUM);
    expect(q.previousAction(state, 3.5)).toEqual({ kind: "restart" });
    expect(q.previousAction(state, 3)).toEqual({ kind: "go", index: 0 });
    expect(q.previousAction(state, 0.2)).toEqual({ kind: "go", index: 0 });
    const first = q.jumpTo(state, 0);
    expect(q.previousAction(first, 1)).toEqual({ kind: "restart" });
    expect(q.previousAction(q.setRepeat(first, "all"), 1)).toEqual({ kind: "go", index: 2 });
  });
});
