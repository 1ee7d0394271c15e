/** The player's observable state and the actions pages call (through `usePlayer()`). */
import { EMPTY_QUEUE, type QueueState } from "./queue";
import { DEFAULT_SETTINGS, type PlaybackSettings } from "./settings";
import type { PlayableTrack, PlaySource } from "./types";

export interface PlayerState {
  queue: QueueState;
  /** True while audio plays (or is about to, once loaded). */
  playing: boolean;
  /** Waiting for the stream (first bytes, a seek, a token). */
  buffering: boolean;
  /** Seconds into the current track. */
  position: number;
  /** Seconds; the track's own length until the media element knows better. */
  duration: number;
  /** 0–1. */
  volume: number;
  muted: boolean;
  settings: PlaybackSettings;
  /** The normalisation gain applied to the current track, in dB (null: none applied). */
  gainDb: number | null;
  /** A message for the user when playback failed. */
  error: string | null;
}

export const INITIAL_STATE: PlayerState = {
  queue: EMPTY_QUEUE,
  playing: false,
  buffering: false,
  position: 0,
  duration: 0,
  volume: 1,
  muted: false,
  settings: DEFAULT_SETTINGS,
  gainDb: null,
  error: null,
};

export interface PlayerActions {
  /** Replaces the queue with `tracks` and plays `tracks[startIndex]`. */
  playTracks(tracks: readonly PlayableTrack[], startIndex?: number, source?: PlaySource): void;
  /** Queues `tracks` right after the current track (plays them if nothing is queued). */
  playNext(tracks: readonly PlayableTrack[], source?: PlaySource): void;
  /** Appends `tracks` to the queue (plays them if nothing is queued). */
  addToQueue(tracks: readonly PlayableTrack[], source?: PlaySource): void;
  play(): void;
  pause(): void;
  togglePlay(): void;
  next(): void;
  previous(): void;
  /** Seconds from the start of the current track. */
  seek(seconds: number): void;
  /** Relative seek, e.g. +5 / −5 seconds. */
  seekBy(seconds: number): void;
  /** 0–1; unmutes. */
  setVolume(volume: number): void;
  toggleMute(): void;
  toggleShuffle(): void;
  cycleRepeat(): void;
  /** Plays the queue entry at `index`. */
  jumpTo(index: number): void;
  removeAt(index: number): void;
  move(from: number, to: number): void;
  /** Removes every entry but the current one. */
  clearQueue(): void;
  updateSettings(changes: Partial<PlaybackSettings>): void;
}

/** A value pages can subscribe to (useSyncExternalStore). */
export interface PlayerStore {
  getState(): PlayerState;
  subscribe(listener: () => void): () => void;
}
