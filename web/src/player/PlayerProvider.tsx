/**
 * The player for the React tree. Pages call `usePlayer()` for the actions (stable: calling it
 * never re-renders) and `usePlayerState(select)` for the part of the state they show.
 *
 *   const { playTracks, playNext, addToQueue } = usePlayer();
 *   playTracks(albumTracks, 3, { context: "album", id: album.id });
 *   const playingId = usePlayerState((state) => currentEntry(state.queue)?.track.id);
 */
import { createContext, useContext, useEffect, useState, useSyncExternalStore, type ReactNode } from "react";
import { useAuth } from "../auth/AuthProvider";
import { PlayerEngine } from "./engine";
import type { PlayerActions, PlayerState } from "./state";

const PlayerContext = createContext<PlayerEngine | null>(null);

export function PlayerProvider({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const [engine] = useState(() => new PlayerEngine());
  const userId = user?.id ?? null;

  // The queue belongs to the signed-in user: it is restored at login and dropped at logout.
  useEffect(() => {
    engine.setUser(userId);
  }, [engine, userId]);

  // Window listeners, Media Session handlers and the window.__echoPlayer debug handle.
  useEffect(() => engine.attach(), [engine]);

  return <PlayerContext.Provider value={engine}>{children}</PlayerContext.Provider>;
}

function useEngine(): PlayerEngine {
  const engine = useContext(PlayerContext);
  if (!engine) throw new Error("usePlayer outside <PlayerProvider>");
  return engine;
}

/** The player's actions: playTracks, playNext, addToQueue, play/pause, next/previous, … */
export function usePlayer(): PlayerActions {
  return useEngine().actions;
}

/** A slice of the player's state; the component re-renders when that slice changes. */
export function usePlayerState<T>(select: (state: PlayerState) => T): T {
  const engine = useEngine();
  return useSyncExternalStore(
    engine.subscribe,
    () => select(engine.getState()),
  );
}
