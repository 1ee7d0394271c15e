/**
 * The stream token for `<audio src>` (spec §2.9): kept while valid, renewed ahead of its expiry,
 * and renewed at once when the server refuses it (a token is one per user, so another tab or
 * device may have replaced it).
 */

export interface StreamToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Renew this long before expiry: a tenth of the lifetime, at most an hour. */
export function renewalMargin(lifetimeMs: number): number {
  return Math.min(60 * 60 * 1000, Math.max(0, lifetimeMs) / 10);
}

/** When to renew a token issued at `issuedAt` (ms) that expires at `expiresAt` (ms). */
export function renewAt(issuedAt: number, expiresAt: number): number {
  return expiresAt - renewalMargin(expiresAt - issuedAt);
}

export interface TokenClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: TokenClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The server's token lifetime (spec §2.9), for tokens restored without their issue time. */
const ASSUMED_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Browsers cap timers at 2^31 − 1 ms; longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

export class StreamTokenKeeper {
  private current: { token: StreamToken; renewAt: number } | null = null;
  private pending: Promise<string> | null = null;
  private timer: unknown = null;

  constructor(
    private readonly issue: () => Promise<{ token: string; expiresAt: string }>,
    private readonly clock: TokenClock = systemClock,
    /** Told of every new token (and of null on reset), to keep it across reloads. */
    private readonly onChange: (token: StreamToken | null) => void = () => undefined,
  ) {}

  /**
   * Takes a token kept from before a reload, so a reload does not issue a new one (which would
   * invalidate the token of the user's other tabs). Its renewal time is estimated from a 24 h life.
   */
  restore(token: StreamToken | null): void {
    if (!token || !(token.expiresAt > this.clock.now())) return;
    this.current = { token, renewAt: renewAt(token.expiresAt - ASSUMED_LIFETIME_MS, token.expiresAt) };
    this.schedule();
  }

  /** A token valid now (renewed first when it is due). */
  get(): Promise<string> {
    const now = this.clock.now();
    if (this.current && now < this.current.renewAt) return Promise.resolve(this.current.token.token);
    return this.renew();
  }

  /** The token in hand without asking the server (for URLs built synchronously). */
  peek(): string | null {
    return this.current && this.clock.now() < this.current.token.expiresAt ? this.current.token.token : null;
  }

  /** A new token now, e.g. after the server refused the one in hand. Concurrent callers share one request. */
  renew(): Promise<string> {
    this.pending ??= this.issue()
      .then((answer) => {
        const issuedAt = this.clock.now();
        const token = { token: answer.token, expiresAt: Date.parse(answer.expiresAt) };
        this.current = { token, renewAt: renewAt(issuedAt, token.expiresAt) };
        this.schedule();
        this.onChange(token);
        return token.token;
      })
      .finally(() => {
        this.pending = null;
      });
    return this.pending;
  }

  /** Forget the token (logout). */
  reset(): void {
    this.current = null;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.onChange(null);
  }

  private schedule(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    if (!this.current) return;
    const wait = Math.max(0, this.current.renewAt - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      if (this.current && this.clock.now() >= this.current.renewAt) void this.renew().catch(() => undefined);
      else this.schedule();
    }, Math.min(wait, MAX_TIMER_MS));
  }
}
