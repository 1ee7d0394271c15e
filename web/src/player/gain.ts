/**
 * Loudness normalisation: the gain that brings a track (or its album) from its measured
 * integrated loudness to the target, never raising its true peak above the ceiling.
 */
import type { NormalizationMode } from "./settings";
import type { PlayableTrack } from "./types";

/** The server's rg*Gain fields are relative to this loudness (analysis/README.md). */
export const SERVER_REFERENCE_LUFS = -16;
/**
 * −1 dBTP, the EBU R128 / streaming ceiling: the server measures true peaks (4x oversampled),
 * and a lossy decode or resampling overshoots a 0 dBFS sample peak, so 0 dBFS is not enough.
 */
export const PEAK_CEILING_DBTP = -1;
/** No measurement ever justifies more than this much change either way. */
export const MAX_BOOST_DB = 12;
export const MAX_CUT_DB = -24;

export interface GainChoice {
  /** Decibels to apply (0 when nothing was measured or normalisation is off). */
  db: number;
  /** Which measurement it came from. */
  basis: "track" | "album" | "none";
  /** The target would have needed more boost than the peak ceiling allows. */
  peakLimited: boolean;
}

export function dbToLinear(db: number): number {
  return 10 ** (db / 20);
}

export function linearToDb(value: number): number {
  return 20 * Math.log10(value);
}

/** The measured integrated loudness behind a gain relative to −16 LUFS. */
export function loudnessOf(gainDb: number): number {
  return SERVER_REFERENCE_LUFS - gainDb;
}

/**
 * The gain for `target` LUFS: target − measured loudness, limited so that the true peak stays at
 * or below −1 dBTP. The ceiling only limits boosts: a track already peaking above it is not cut
 * further than its loudness asks (that would make it quieter than the rest).
 */
export function normalizationGain(gainDb: number | null | undefined, peakLinear: number | null | undefined, targetLufs: number): { db: number; peakLimited: boolean } {
  if (gainDb === null || gainDb === undefined || !Number.isFinite(gainDb)) return { db: 0, peakLimited: false };
  let db = targetLufs - loudnessOf(gainDb);
  let peakLimited = false;
  if (db > 0 && peakLinear !== null && peakLinear !== undefined && peakLinear > 0) {
    const headroom = Math.max(0, PEAK_CEILING_DBTP - linearToDb(peakLinear));
    if (db > headroom) {
      db = headroom;
      peakLimited = true;
    }
  }
  db = Math.min(MAX_BOOST_DB, Math.max(MAX_CUT_DB, db));
  return { db: Math.round(db * 100) / 100, peakLimited };
}

/**
 * The gain for `track`: album gain in album mode (and in auto mode when a neighbour in the
 * queue is from the same album, so an album keeps its own dynamics), else track gain; a missing
 * album measurement falls back to the track's.
 */
export function chooseGain(track: PlayableTrack, options: { enabled: boolean; targetLufs: number; mode: NormalizationMode; albumNeighbours: boolean }): GainChoice {
  if (!options.enabled) return { db: 0, basis: "none", peakLimited: false };
  const wantAlbum = options.mode === "album" || (options.mode === "auto" && options.albumNeighbours);
  if (wantAlbum && track.rgAlbumGain !== null && track.rgAlbumGain !== undefined) {
    return { ...normalizationGain(track.rgAlbumGain, track.rgAlbumPeak ?? track.rgTrackPeak, options.targetLufs), basis: "album" };
  }
  if (track.rgTrackGain !== null && track.rgTrackGain !== undefined) {
    return { ...normalizationGain(track.rgTrackGain, track.rgTrackPeak, options.targetLufs), basis: "track" };
  }
  return { db: 0, basis: "none", peakLimited: false };
}
