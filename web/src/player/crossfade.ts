/** When the next track is preloaded and when the crossfade into it starts, and its curves. */

/** Seconds before the end at which the next track starts loading. */
export const PRELOAD_SECONDS = 15;
/** A fade shorter than this is not worth doing; the tracks follow each other instead. */
export const MIN_FADE_SECONDS = 0.5;

export interface Transition {
  /** Position in the current track at which to load the next one. */
  preloadAt: number;
  /** Position at which the next track starts and the fade begins; null: at the end, no fade. */
  fadeAt: number | null;
  /** Seconds the fade lasts. */
  fadeSeconds: number;
}

/**
 * The plan for leaving the current track. The fade is at most half of either track (short
 * tracks never fade over their whole length) and ends where the current track's outro silence
 * starts, when the analysis found one. No fade into the same track (repeat one) or without a
 * next track.
 */
export function planTransition(options: {
  duration: number;
  crossfadeSeconds: number;
  hasNext: boolean;
  repeatOne: boolean;
  nextDuration?: number | null;
  outroStart?: number | null;
}): Transition {
  const { duration, crossfadeSeconds, hasNext, repeatOne } = options;
  const safeDuration = Number.isFinite(duration) && duration > 0 ? duration : 0;
  const preloadAt = Math.max(0, safeDuration - PRELOAD_SECONDS);
  if (!hasNext || repeatOne || crossfadeSeconds <= 0 || safeDuration === 0) return { preloadAt, fadeAt: null, fadeSeconds: 0 };
  const outro = options.outroStart;
  const end = outro !== null && outro !== undefined && outro > safeDuration / 2 && outro < safeDuration ? outro : safeDuration;
  const nextDuration = options.nextDuration !== null && options.nextDuration !== undefined && options.nextDuration > 0 ? options.nextDuration : Infinity;
  const fadeSeconds = Math.min(crossfadeSeconds, safeDuration / 2, nextDuration / 2);
  if (fadeSeconds < MIN_FADE_SECONDS) return { preloadAt, fadeAt: null, fadeSeconds: 0 };
  const fadeAt = end - fadeSeconds;
  return { preloadAt: Math.min(preloadAt, Math.max(0, fadeAt - 1)), fadeAt, fadeSeconds };
}

/**
 * An equal-power fade as a gain curve of `points` values: the two tracks' powers add up to 1
 * throughout, so the mix neither dips nor swells in the middle.
 */
export function equalPowerCurve(points: number, direction: "in" | "out"): Float32Array {
  const curve = new Float32Array(Math.max(2, points));
  const last = curve.length - 1;
  for (let i = 0; i <= last; i += 1) {
    const progress = i / last;
    curve[i] = direction === "in" ? Math.sin((progress * Math.PI) / 2) : Math.cos((progress * Math.PI) / 2);
  }
  return curve;
}
