import { describe, expect, it } from "vitest";
import { ListeningMeter, reportFor } from "./reporting";

describe("play and skip reporting", () => {
  it("reports a play for a track that ended after being heard", () => {
    expect(reportFor(99, 100, "ended")).toEqual({ kind: "play", completionRate: 1 });
  });

  it("reports a play with the share heard when the user moves on after 30 %", () => {
    expect(reportFor(30, 100, "next")).toEqual({ kind: "play", completionRate: 0.3 });
    expect(reportFor(45, 100, "replaced")).toEqual({ kind: "play", completionRate: 0.45 });
  });

  it("reports a skip with the actual share when next is pressed before 30 %", () => {
    expect(reportFor(29.9, 100, "next")).toEqual({ kind: "skip", completionRate: 0.299 });
    expect(reportFor(5, 100, "jump")).toEqual({ kind: "skip", completionRate: 0.05 });
  });

  it("reports nothing for going back early, for an unheard track, or one that ended after a seek", () => {
    expect(reportFor(2, 100, "previous")).toBeNull();
    expect(reportFor(0, 100, "next")).toBeNull();
    expect(reportFor(10, 100, "ended")).toBeNull();
  });

  it("counts played time, not the position: a seek ahead is not listening", () => {
    const meter = new ListeningMeter();
    for (let t = 0; t <= 10; t += 0.25) meter.advance(t);
    meter.advance(80); // a seek
    for (let t = 80.25; t <= 85; t += 0.25) meter.advance(t);
    expect(meter.heard).toBeCloseTo(15, 6);
    meter.jump();
    meter.advance(20);
    meter.advance(20.5);
    expect(meter.heard).toBeCloseTo(15.5, 6);
  });
});
