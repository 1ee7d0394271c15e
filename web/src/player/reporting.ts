/**
 * Play and skip reporting (spec §2.12, client rule): a track that ends or is left counts as a
 * play when at least 30 % of it was heard; one the user moves on from earlier is a skip with the
 * share actually heard. "Heard" is time played, not the position: seeking ahead hears nothing.
 */

export const PLAY_THRESHOLD = 0.3;
/** A gap between two position updates longer than this is a seek, not listening. */
const MAX_STEP_SECONDS = 1.5;

export type LeaveReason = "ended" | "next" | "previous" | "jump" | "replaced";

export type Report = { kind: "play"; completionRate: number } | { kind: "skip"; completionRate: number };

/** Counts the seconds of one track that were actually played. */
export class ListeningMeter {
  heard = 0;
  private last: number | null = null;

  /** A position update while playing. */
  advance(position: number): void {
    if (this.last !== null) {
      const step = position - this.last;
      if (step > 0 && step <= MAX_STEP_SECONDS) this.heard += step;
    }
    this.last = position;
  }

  /** A seek or a pause: the next update starts a new stretch. */
  jump(position: number | null = null): void {
    this.last = position;
  }
}

function rate(heard: number, duration: number): number {
  if (!(duration > 0)) return 0;
  return Math.round(Math.min(1, Math.max(0, heard / duration)) * 1000) / 1000;
}

/**
 * What to report when the current track is left. Ended or left after ≥ 30 %: a play. "Next"
 * (or choosing another track) before that: a skip. Going back, or ending after a seek past most
 * of it, reports nothing; neither does a track that was not heard at all.
 */
export function reportFor(heard: number, duration: number, reason: LeaveReason): Report | null {
  const completion = rate(heard, duration);
  if (heard <= 0) return null;
  if (completion >= PLAY_THRESHOLD) return { kind: "play", completionRate: reason === "ended" && completion > 0.95 ? 1 : completion };
  if (reason === "next" || reason === "jump" || reason === "replaced") return { kind: "skip", completionRate: completion };
  return null;
}
