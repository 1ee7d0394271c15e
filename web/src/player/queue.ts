/**
 * The play queue as immutable state: play now / next / add / remove / clear / reorder, shuffle
 * that keeps the current track and can be undone, repeat, and what "next" and "previous" mean.
 * No DOM and no timers, so every rule is unit-tested.
 */
import type { PlayableTrack, PlaySource, QueueEntry, RepeatMode } from "./types";
import { playable } from "./types";

export interface QueueState {
  entries: QueueEntry[];
  /** Index of the current entry; −1 when the queue is empty. */
  current: number;
  /** The entry keys in their order before shuffling; null when not shuffled. */
  unshuffled: string[] | null;
  repeat: RepeatMode;
}

export const EMPTY_QUEUE: QueueState = { entries: [], current: -1, unshuffled: null, repeat: "off" };

/** Seconds into a track after which "previous" restarts it instead of going back. */
export const RESTART_AFTER_SECONDS = 3;

type Random = () => number;

let counter = 0;
const session = Math.random().toString(36).slice(2, 8);

function newKey(): string {
  counter += 1;
  return `${session}-${counter.toString(36)}`;
}

function toEntries(tracks: readonly PlayableTrack[], source: PlaySource): QueueEntry[] {
  return tracks.map((track) => ({ key: newKey(), track: playable(track), source }));
}

export function currentEntry(state: QueueState): QueueEntry | null {
  return state.entries[state.current] ?? null;
}

export function isShuffled(state: QueueState): boolean {
  return state.unshuffled !== null;
}

/** Fisher–Yates with an injectable random source (tests pass a seeded one). */
export function shuffled<T>(items: readonly T[], random: Random = Math.random): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j] as T, result[i] as T];
  }
  return result;
}

/** The current entry first, the others in random order. */
function shuffleAround(entries: readonly QueueEntry[], current: number, random: Random): QueueEntry[] {
  const first = entries[current];
  if (!first) return shuffled(entries, random);
  return [first, ...shuffled(entries.filter((_, index) => index !== current), random)];
}

/** Replaces the queue with `tracks` and makes `start` current (kept first when shuffled). */
export function playNow(state: QueueState, tracks: readonly PlayableTrack[], start: number, source: PlaySource, random: Random = Math.random): QueueState {
  if (tracks.length === 0) return { ...state, entries: [], current: -1, unshuffled: isShuffled(state) ? [] : null };
  const entries = toEntries(tracks, source);
  const index = Math.min(Math.max(0, Math.trunc(start)), entries.length - 1);
  if (!isShuffled(state)) return { ...state, entries, current: index };
  return { ...state, entries: shuffleAround(entries, index, random), current: 0, unshuffled: entries.map((entry) => entry.key) };
}

/** Inserts `tracks` right after the current entry (in both orders when shuffled). */
export function playNext(state: QueueState, tracks: readonly PlayableTrack[], source: PlaySource): QueueState {
  if (tracks.length === 0) return state;
  const added = toEntries(tracks, source);
  if (state.entries.length === 0) return { ...state, entries: added, current: 0, unshuffled: state.unshuffled ? added.map((entry) => entry.key) : null };
  const at = state.current + 1;
  const entries = [...state.entries.slice(0, at), ...added, ...state.entries.slice(at)];
  let unshuffled = state.unshuffled;
  if (unshuffled) {
    const currentKey = currentEntry(state)?.key;
    const position = currentKey === undefined ? unshuffled.length : unshuffled.indexOf(currentKey) + 1;
    unshuffled = [...unshuffled.slice(0, position), ...added.map((entry) => entry.key), ...unshuffled.slice(position)];
  }
  return { ...state, entries, unshuffled };
}

/** Appends `tracks` at the end of the queue. */
export function addToQueue(state: QueueState, tracks: readonly PlayableTrack[], source: PlaySource): QueueState {
  if (tracks.length === 0) return state;
  const added = toEntries(tracks, source);
  const entries = [...state.entries, ...added];
  const unshuffled = state.unshuffled ? [...state.unshuffled, ...added.map((entry) => entry.key)] : null;
  return { ...state, entries, unshuffled, current: state.current < 0 ? 0 : state.current };
}

/**
 * Removes the entry at `index`. Removing the current entry makes the one after it current (or
 * the new last one at the end of the queue).
 */
export function removeAt(state: QueueState, index: number): QueueState {
  const removed = state.entries[index];
  if (!removed) return state;
  const entries = state.entries.filter((_, position) => position !== index);
  let current = state.current;
  if (index < current) current -= 1;
  if (current >= entries.length) current = entries.length - 1;
  const unshuffled = state.unshuffled ? state.unshuffled.filter((key) => key !== removed.key) : null;
  return { ...state, entries, current, unshuffled };
}

/** Empties the queue; with `keepCurrent`, what is playing stays as the only entry. */
export function clearQueue(state: QueueState, keepCurrent: boolean): QueueState {
  const current = currentEntry(state);
  if (!keepCurrent || !current) return { ...state, entries: [], current: -1, unshuffled: state.unshuffled ? [] : null };
  return { ...state, entries: [current], current: 0, unshuffled: state.unshuffled ? [current.key] : null };
}

/** Moves the entry at `from` to `to`; the current entry stays current wherever it goes. */
export function move(state: QueueState, from: number, to: number): QueueState {
  const count = state.entries.length;
  if (from === to || from < 0 || to < 0 || from >= count || to >= count) return state;
  const entries = [...state.entries];
  const [moved] = entries.splice(from, 1);
  entries.splice(to, 0, moved as QueueEntry);
  const currentKey = currentEntry(state)?.key;
  const current = entries.findIndex((entry) => entry.key === currentKey);
  return { ...state, entries, current };
}

export function jumpTo(state: QueueState, index: number): QueueState {
  if (index < 0 || index >= state.entries.length) return state;
  return { ...state, current: index };
}

/**
 * Shuffle on: the current entry moves first and the rest is shuffled, remembering the order.
 * Shuffle off: that order comes back (entries added meanwhile where they were added), and the
 * current entry stays current.
 */
export function setShuffle(state: QueueState, on: boolean, random: Random = Math.random): QueueState {
  if (on === isShuffled(state)) return state;
  if (on) {
    const unshuffled = state.entries.map((entry) => entry.key);
    if (state.entries.length === 0) return { ...state, unshuffled };
    const current = state.current < 0 ? 0 : state.current;
    return { ...state, entries: shuffleAround(state.entries, current, random), current: 0, unshuffled };
  }
  const rank = new Map((state.unshuffled ?? []).map((key, index) => [key, index]));
  const known = state.entries.filter((entry) => rank.has(entry.key)).sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
  const entries = [...known, ...state.entries.filter((entry) => !rank.has(entry.key))];
  const currentKey = currentEntry(state)?.key;
  return { ...state, entries, current: currentKey === undefined ? state.current : entries.findIndex((entry) => entry.key === currentKey), unshuffled: null };
}

export function setRepeat(state: QueueState, repeat: RepeatMode): QueueState {
  return { ...state, repeat };
}

export function nextRepeatMode(repeat: RepeatMode): RepeatMode {
  return repeat === "off" ? "all" : repeat === "all" ? "one" : "off";
}

/**
 * The index that plays after the current one, or null at the end of the queue. `auto` is a
 * track that ended by itself: repeat-one plays it again; a "next" pressed by the user moves on.
 */
export function nextIndex(state: QueueState, auto: boolean): number | null {
  if (state.current < 0 || state.entries.length === 0) return null;
  if (auto && state.repeat === "one") return state.current;
  if (state.current + 1 < state.entries.length) return state.current + 1;
  return state.repeat === "off" ? null : 0;
}

export type PreviousAction = { kind: "restart" } | { kind: "go"; index: number };

/** "Previous": restart the track when more than 3 s were played, else go to the one before. */
export function previousAction(state: QueueState, positionSeconds: number): PreviousAction {
  if (positionSeconds > RESTART_AFTER_SECONDS || state.current < 0) return { kind: "restart" };
  if (state.current > 0) return { kind: "go", index: state.current - 1 };
  if (state.repeat === "all" && state.entries.length > 1) return { kind: "go", index: state.entries.length - 1 };
  return { kind: "restart" };
}
