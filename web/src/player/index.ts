/**
 * The web player. For pages: wrap nothing (main.tsx already has <PlayerProvider>), then
 *
 *   import { usePlayer, usePlayerState, currentEntry } from "../player";
 *   const { playTracks, playNext, addToQueue } = usePlayer();
 *   playTracks(tracks, startIndex, { context: "album", id: albumId });   // play now
 *   playNext(tracks);                                                     // after the current track
 *   addToQueue(tracks);                                                   // at the end
 *   const playingId = usePlayerState((s) => currentEntry(s.queue)?.track.id ?? null);
 *
 * Tracks are the API's track payloads as they come (see PlayableTrack). A selector passed to
 * usePlayerState must return a primitive or a part of the state, not a new object.
 */
export { PlayerProvider, usePlayer, usePlayerState } from "./PlayerProvider";
export { currentEntry } from "./queue";
export type { PlayerActions, PlayerState } from "./state";
export type { PlayableTrack, PlayContext, PlaySource, QueueEntry, RepeatMode } from "./types";
