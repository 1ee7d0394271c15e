/** Playback settings (settings page, "Playback"): their defaults, limits and validation. */

export type NormalizationMode = "track" | "album" | "auto";

export interface PlaybackSettings {
  /** Seconds of crossfade between tracks; 0 turns it off (the next track starts at the end). */
  crossfadeSeconds: number;
  normalization: boolean;
  /** Integrated loudness every track is brought to, in LUFS. */
  targetLufs: number;
  /** auto: album gain while the queue plays an album in order, else track gain. */
  normalizationMode: NormalizationMode;
  /** When the queue runs out, keep playing similar music. */
  autoplay: boolean;
}

export const CROSSFADE_MAX_SECONDS = 12;
export const TARGET_MIN_LUFS = -23;
export const TARGET_MAX_LUFS = -10;

/**
 * −16 LUFS: the original Echo's reference (the server's rgTrackGain fields are relative to it),
 * a little quieter than the −14 of the big streaming services, which leaves quiet recordings
 * more room to be raised before the peak ceiling stops them.
 */
export const DEFAULT_SETTINGS: PlaybackSettings = {
  crossfadeSeconds: 0,
  normalization: true,
  targetLufs: -16,
  normalizationMode: "auto",
  autoplay: false,
};

function clampNumber(value: unknown, min: number, max: number, fallback: number): number {
  if (typeof value !== "number" || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}

/** Settings from storage or a form: anything missing or invalid takes its default. */
export function validSettings(value: unknown): PlaybackSettings {
  const raw = (value !== null && typeof value === "object" ? value : {}) as Partial<Record<keyof PlaybackSettings, unknown>>;
  const mode = raw.normalizationMode;
  return {
    crossfadeSeconds: clampNumber(raw.crossfadeSeconds, 0, CROSSFADE_MAX_SECONDS, DEFAULT_SETTINGS.crossfadeSeconds),
    normalization: typeof raw.normalization === "boolean" ? raw.normalization : DEFAULT_SETTINGS.normalization,
    targetLufs: clampNumber(raw.targetLufs, TARGET_MIN_LUFS, TARGET_MAX_LUFS, DEFAULT_SETTINGS.targetLufs),
    normalizationMode: mode === "track" || mode === "album" || mode === "auto" ? mode : DEFAULT_SETTINGS.normalizationMode,
    autoplay: typeof raw.autoplay === "boolean" ? raw.autoplay : DEFAULT_SETTINGS.autoplay,
  };
}
