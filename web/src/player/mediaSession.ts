/** The Media Session API: what the OS shows (lock screen, media keys) and its actions. */
import { coverSrc } from "../api";
import type { PlayableTrack } from "./types";

export interface SessionHandlers {
  play(): void;
  pause(): void;
  stop(): void;
  next(): void;
  previous(): void;
  seekTo(seconds: number): void;
  seekBy(seconds: number): void;
}

function session(): MediaSession | null {
  return typeof navigator !== "undefined" && "mediaSession" in navigator ? navigator.mediaSession : null;
}

export function installHandlers(handlers: SessionHandlers): () => void {
  const media = session();
  if (!media) return () => undefined;
  const actions: Array<[MediaSessionAction, MediaSessionActionHandler]> = [
    ["play", () => handlers.play()],
    ["pause", () => handlers.pause()],
    ["stop", () => handlers.stop()],
    ["nexttrack", () => handlers.next()],
    ["previoustrack", () => handlers.previous()],
    ["seekto", (details) => details.seekTime !== undefined && handlers.seekTo(details.seekTime)],
    ["seekforward", (details) => handlers.seekBy(details.seekOffset ?? 10)],
    ["seekbackward", (details) => handlers.seekBy(-(details.seekOffset ?? 10))],
  ];
  for (const [action, handler] of actions) {
    try {
      media.setActionHandler(action, handler);
    } catch {
      // An action this browser does not know.
    }
  }
  return () => {
    for (const [action] of actions) {
      try {
        media.setActionHandler(action, null);
      } catch {
        // as above
      }
    }
  };
}

export function showTrack(track: PlayableTrack | null): void {
  const media = session();
  if (!media || typeof MediaMetadata === "undefined") return;
  if (!track) {
    media.metadata = null;
    return;
  }
  const artwork = ([200, 300, 500] as const).flatMap((size) => {
    const src = coverSrc(track.coverImage ?? null, size);
    return src ? [{ src: new URL(src, location.href).href, sizes: `${size}x${size}` }] : [];
  });
  media.metadata = new MediaMetadata({ title: track.title, artist: track.artistName, album: track.albumName, artwork });
}

export function showPlaying(playing: boolean): void {
  const media = session();
  if (media) media.playbackState = playing ? "playing" : "paused";
}

export function showPosition(position: number, duration: number, rate: number): void {
  const media = session();
  if (!media?.setPositionState || !(duration > 0) || !Number.isFinite(duration)) return;
  try {
    media.setPositionState({ duration, position: Math.min(Math.max(0, position), duration), playbackRate: rate || 1 });
  } catch {
    // A position the browser finds inconsistent (e.g. while the duration changes).
  }
}
