import { describe, expect, it } from "vitest";
import { equalPowerCurve, planTransition, PRELOAD_SECONDS } from "./crossfade";

const base = { duration: 200, crossfadeSeconds: 6, hasNext: true, repeatOne: false };

describe("crossfade plan", () => {
  it("starts the fade its length before the end and preloads 15 s before that", () => {
    expect(planTransition(base)).toEqual({ preloadAt: 200 - PRELOAD_SECONDS, fadeAt: 194, fadeSeconds: 6 });
  });

  it("does not fade with crossfade off, without a next track, or into the same track", () => {
    const none = { preloadAt: 185, fadeAt: null, fadeSeconds: 0 };
    expect(planTransition({ ...base, crossfadeSeconds: 0 })).toEqual(none);
    expect(planTransition({ ...base, hasNext: false })).toEqual(none);
    expect(planTransition({ ...base, repeatOne: true })).toEqual(none);
  });

  it("fades at most over half of either track", () => {
    expect(planTransition({ ...base, duration: 8 })).toMatchObject({ fadeAt: 4, fadeSeconds: 4, preloadAt: 0 });
    expect(planTransition({ ...base, nextDuration: 3 })).toMatchObject({ fadeAt: 198.5, fadeSeconds: 1.5 });
    expect(planTransition({ ...base, duration: 0.8 })).toMatchObject({ fadeAt: null });
  });

  it("ends the fade where the outro silence begins", () => {
    expect(planTransition({ ...base, outroStart: 190 })).toMatchObject({ fadeAt: 184, fadeSeconds: 6, preloadAt: 183 });
    // An outro start in the first half is not trusted.
    expect(planTransition({ ...base, outroStart: 50 })).toMatchObject({ fadeAt: 194 });
  });

  it("has an unknown length plan nothing", () => {
    expect(planTransition({ ...base, duration: Number.NaN })).toEqual({ preloadAt: 0, fadeAt: null, fadeSeconds: 0 });
  });
});

describe("equal-power curve", () => {
  it("goes from silence to full and back, keeping the summed power at 1", () => {
    const fadeIn = equalPowerCurve(64, "in");
    const fadeOut = equalPowerCurve(64, "out");
    expect(fadeIn[0]).toBeCloseTo(0, 6);
    expect(fadeIn[63]).toBeCloseTo(1, 6);
    expect(fadeOut[0]).toBeCloseTo(1, 6);
    expect(fadeOut[63]).toBeCloseTo(0, 6);
    for (let i = 0; i < 64; i += 1) expect((fadeIn[i] ?? 0) ** 2 + (fadeOut[i] ?? 0) ** 2).toBeCloseTo(1, 5);
  });
});
