import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { debounce, searchableQuery } from "./debounce";

describe("debounce", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("calls once after a burst, with the last arguments", () => {
    const calls: string[] = [];
    const typed = debounce((text: string) => calls.push(text), 250);
    typed("s");
    vi.advanceTimersByTime(100);
    typed("si");
    vi.advanceTimersByTime(100);
    typed("sig");
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(calls).toEqual(["sig"]);
  });

  it("can be cancelled or flushed", () => {
    const calls: string[] = [];
    const typed = debounce((text: string) => calls.push(text), 250);
    typed("a");
    typed.cancel();
    vi.advanceTimersByTime(500);
    expect(calls).toEqual([]);
    typed("b");
    typed.flush();
    expect(calls).toEqual(["b"]);
    vi.advanceTimersByTime(500);
    expect(calls).toEqual(["b"]);
  });
});

describe("searchableQuery", () => {
  it("needs two characters after trimming", () => {
    expect(searchableQuery(" a ")).toBeNull();
    expect(searchableQuery(" ab ")).toBe("ab");
    expect(searchableQuery("")).toBeNull();
  });
});
