import { describe, expect, it } from "vitest";
import { chooseGain, dbToLinear, linearToDb, loudnessOf, normalizationGain, PEAK_CEILING_DBTP } from "./gain";
import type { PlayableTrack } from "./types";

const base: PlayableTrack = { id: "t", title: "T", duration: 60, artistName: "A", albumName: "B", albumId: "b" };
// rgTrackGain is relative to −16 LUFS: a track measured at −10 LUFS has −6 dB.
const at = (lufs: number, peakDb: number, albumLufs?: number): PlayableTrack => ({
  ...base,
  rgTrackGain: -16 - lufs,
  rgTrackPeak: dbToLinear(peakDb),
  rgAlbumGain: albumLufs === undefined ? null : -16 - albumLufs,
  rgAlbumPeak: albumLufs === undefined ? null : dbToLinear(peakDb),
});
const options = { enabled: true, targetLufs: -14, mode: "track" as const, albumNeighbours: false };

describe("normalisation gain", () => {
  it("reads the measured loudness back from the server's −16 LUFS gains", () => {
    expect(loudnessOf(-6)).toBe(-10);
    expect(loudnessOf(6)).toBe(-22);
  });

  it("brings a loud track down to the target", () => {
    expect(chooseGain(at(-8, -0.5), options)).toEqual({ db: -6, basis: "track", peakLimited: false });
  });

  it("raises a quiet track when its true peak stays at or under −1 dBTP", () => {
    expect(chooseGain(at(-22, -12), options)).toEqual({ db: 8, basis: "track", peakLimited: false });
  });

  it("stops a boost at the peak ceiling", () => {
    const choice = chooseGain(at(-22, -4), options);
    expect(choice).toEqual({ db: 3, basis: "track", peakLimited: true });
    expect(-4 + choice.db).toBe(PEAK_CEILING_DBTP);
  });

  it("never cuts more than the loudness asks because of a high peak", () => {
    expect(normalizationGain(-16 - -14.5, dbToLinear(0.4), -14)).toEqual({ db: 0, peakLimited: true });
    expect(normalizationGain(-16 - -12, dbToLinear(0.4), -14)).toEqual({ db: -2, peakLimited: false });
  });

  it("differs between two tracks by their measured difference when no ceiling is hit", () => {
    const loud = chooseGain(at(-10, -8), { ...options, targetLufs: -16 });
    const quiet = chooseGain(at(-22, -20), { ...options, targetLufs: -16 });
    expect(quiet.db - loud.db).toBe(12);
  });

  it("uses the album gain in album mode and in auto mode inside an album, else the track gain", () => {
    const track = at(-10, -12, -13);
    expect(chooseGain(track, { ...options, mode: "album" })).toMatchObject({ db: -1, basis: "album" });
    expect(chooseGain(track, { ...options, mode: "auto", albumNeighbours: true })).toMatchObject({ db: -1, basis: "album" });
    expect(chooseGain(track, { ...options, mode: "auto", albumNeighbours: false })).toMatchObject({ db: -4, basis: "track" });
    expect(chooseGain(at(-10, -12), { ...options, mode: "album" })).toMatchObject({ db: -4, basis: "track" });
  });

  it("applies nothing when off or when the track was not measured", () => {
    expect(chooseGain(at(-10, -1), { ...options, enabled: false })).toEqual({ db: 0, basis: "none", peakLimited: false });
    expect(chooseGain(base, options)).toEqual({ db: 0, basis: "none", peakLimited: false });
  });

  it("keeps absurd measurements within ±limits", () => {
    expect(normalizationGain(-16 - 20, 1, -14).db).toBe(-24);
    expect(normalizationGain(-16 - -70, dbToLinear(-60), -14).db).toBe(12);
  });

  it("converts between dB and linear", () => {
    expect(linearToDb(dbToLinear(-6.02))).toBeCloseTo(-6.02, 10);
    expect(dbToLinear(0)).toBe(1);
  });
});
