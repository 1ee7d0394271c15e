import { describe, expect, it } from "vitest";
import { renewAt, renewalMargin, StreamTokenKeeper, type StreamToken, type TokenClock } from "./streamToken";

const HOUR = 60 * 60 * 1000;

/** A clock the test moves by hand, with timers that fire when it passes them. */
function manualClock(start = Date.parse("2026-01-01T00:00:00Z")) {
  let now = start;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let id = 0;
  const clock: TokenClock & { advance(ms: number): void; pending(): number } = {
    now: () => now,
    setTimeout: (callback, ms) => {
      id += 1;
      timers.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      now += ms;
      for (const [key, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(key);
          timer.callback();
        }
      }
    },
    pending: () => timers.size,
  };
  return clock;
}

function server(clock: TokenClock, lifetime = 24 * HOUR) {
  let issued = 0;
  return {
    get issued() {
      return issued;
    },
    issue: () => {
      issued += 1;
      return Promise.resolve({ token: `t${issued}`, expiresAt: new Date(clock.now() + lifetime).toISOString() });
    },
  };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("stream token renewal", () => {
  it("renews a tenth of the lifetime before expiry, at most an hour before", () => {
    expect(renewalMargin(24 * HOUR)).toBe(HOUR);
    expect(renewalMargin(60_000)).toBe(6_000);
    expect(renewAt(0, 24 * HOUR)).toBe(23 * HOUR);
  });

  it("keeps one token while valid and renews it by itself before it expires", async () => {
    const clock = manualClock();
    const api = server(clock);
    const kept: Array<StreamToken | null> = [];
    const keeper = new StreamTokenKeeper(api.issue, clock, (token) => kept.push(token));
    expect(await keeper.get()).toBe("t1");
    clock.advance(22 * HOUR);
    expect(await keeper.get()).toBe("t1");
    expect(api.issued).toBe(1);
    clock.advance(HOUR + 1);
    await flush();
    expect(api.issued).toBe(2);
    expect(keeper.peek()).toBe("t2");
    expect(kept.map((token) => token?.token)).toEqual(["t1", "t2"]);
  });

  it("shares one request between concurrent callers and renews on demand", async () => {
    const clock = manualClock();
    const api = server(clock);
    const keeper = new StreamTokenKeeper(api.issue, clock);
    expect(await Promise.all([keeper.get(), keeper.get()])).toEqual(["t1", "t1"]);
    expect(api.issued).toBe(1);
    expect(await keeper.renew()).toBe("t2");
  });

  it("reuses a token kept from before a reload until its renewal time", async () => {
    const clock = manualClock();
    const api = server(clock);
    const keeper = new StreamTokenKeeper(api.issue, clock);
    keeper.restore({ token: "old", expiresAt: clock.now() + 10 * HOUR });
    expect(await keeper.get()).toBe("old");
    clock.advance(9 * HOUR + 1);
    expect(await keeper.get()).toBe("t1");
    keeper.restore({ token: "expired", expiresAt: clock.now() - 1 });
    expect(keeper.peek()).toBe("t1");
  });

  it("forgets the token on reset", async () => {
    const clock = manualClock();
    const keeper = new StreamTokenKeeper(server(clock).issue, clock);
    await keeper.get();
    keeper.reset();
    expect(keeper.peek()).toBeNull();
    expect(clock.pending()).toBe(0);
  });
});
