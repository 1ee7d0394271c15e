/**
 * What survives a reload, in localStorage: the queue with the position in the current track,
 * the volume, and the playback settings. Per user, so people sharing a browser keep their own.
 */
import type { KeyValueStorage } from "../api/tokens";
import { EMPTY_QUEUE, type QueueState } from "./queue";
import { validSettings, type PlaybackSettings } from "./settings";
import type { StreamToken } from "./streamToken";
import { playable, type PlayContext, type QueueEntry, type RepeatMode } from "./types";

const VERSION = 1;
const CONTEXTS: readonly PlayContext[] = ["direct", "album", "playlist", "artist", "shuffle", "radio", "recommendation", "search", "queue"];

export interface Session {
  queue: QueueState;
  position: number;
  volume: number;
  muted: boolean;
}

export const EMPTY_SESSION: Session = { queue: EMPTY_QUEUE, position: 0, volume: 1, muted: false };

const sessionKey = (userId: string) => `echo.player.${userId}.session`;
const settingsKey = (userId: string) => `echo.player.${userId}.settings`;
const tokenKey = (userId: string) => `echo.player.${userId}.streamToken`;

function read(storage: KeyValueStorage, key: string): unknown {
  try {
    const raw = storage.getItem(key);
    return raw === null ? null : (JSON.parse(raw) as unknown);
  } catch {
    return null; // corrupt or from another version: start afresh
  }
}

function write(storage: KeyValueStorage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or disabled (private mode): the player works, it just forgets on reload.
  }
}

export function saveSession(storage: KeyValueStorage, userId: string, session: Session): void {
  write(storage, sessionKey(userId), { version: VERSION, ...session });
}

function validEntry(value: unknown): QueueEntry | null {
  if (value === null || typeof value !== "object") return null;
  const { key, track, source } = value as Partial<QueueEntry>;
  if (typeof key !== "string" || !track || typeof track.id !== "string" || typeof track.title !== "string") return null;
  const context = source && CONTEXTS.includes(source.context) ? source.context : "direct";
  return {
    key,
    track: playable({ ...track, duration: Number(track.duration) || 0, artistName: String(track.artistName ?? ""), albumName: String(track.albumName ?? ""), albumId: String(track.albumId ?? "") }),
    source: source?.id ? { context, id: String(source.id) } : { context },
  };
}

export function loadSession(storage: KeyValueStorage, userId: string): Session {
  const raw = read(storage, sessionKey(userId)) as Partial<Session & { version: number; queue: Partial<QueueState> }> | null;
  if (!raw || raw.version !== VERSION || !raw.queue) return EMPTY_SESSION;
  const entries = (Array.isArray(raw.queue.entries) ? raw.queue.entries : []).map(validEntry).filter((entry): entry is QueueEntry => entry !== null);
  const keys = new Set(entries.map((entry) => entry.key));
  const repeat: RepeatMode = raw.queue.repeat === "all" || raw.queue.repeat === "one" ? raw.queue.repeat : "off";
  const current = typeof raw.queue.current === "number" && raw.queue.current >= 0 && raw.queue.current < entries.length ? Math.trunc(raw.queue.current) : entries.length > 0 ? 0 : -1;
  const unshuffled = Array.isArray(raw.queue.unshuffled) ? raw.queue.unshuffled.filter((key): key is string => typeof key === "string" && keys.has(key)) : null;
  const position = typeof raw.position === "number" && raw.position > 0 ? raw.position : 0;
  const volume = typeof raw.volume === "number" && raw.volume >= 0 && raw.volume <= 1 ? raw.volume : 1;
  return { queue: { entries, current, unshuffled, repeat }, position, volume, muted: raw.muted === true };
}

export function saveSettings(storage: KeyValueStorage, userId: string, settings: PlaybackSettings): void {
  write(storage, settingsKey(userId), settings);
}

export function loadSettings(storage: KeyValueStorage, userId: string): PlaybackSettings {
  return validSettings(read(storage, settingsKey(userId)));
}

export function saveStreamToken(storage: KeyValueStorage, userId: string, token: StreamToken | null): void {
  if (token) write(storage, tokenKey(userId), token);
  else storage.removeItem(tokenKey(userId));
}

export function loadStreamToken(storage: KeyValueStorage, userId: string): StreamToken | null {
  const raw = read(storage, tokenKey(userId)) as Partial<StreamToken> | null;
  return raw && typeof raw.token === "string" && typeof raw.expiresAt === "number" ? { token: raw.token, expiresAt: raw.expiresAt } : null;
}
