/**
 * The access and refresh tokens, kept in localStorage so a reload stays logged in. Every read
 * goes to the storage: another tab may have refreshed (rotated) them or logged out.
 */

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

type Listener = (tokens: Tokens | null) => void;

/** The storage the store reads and writes; localStorage in the browser, a Map in unit tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const KEY = "echo.tokens";

export class TokenStore {
  private tokens: Tokens | null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly storage: KeyValueStorage | null) {
    this.tokens = readTokens(storage);
  }

  get(): Tokens | null {
    if (this.storage) this.tokens = readTokens(this.storage);
    return this.tokens;
  }

  set(tokens: Tokens | null): void {
    this.tokens = tokens;
    if (this.storage) {
      if (tokens) this.storage.setItem(KEY, JSON.stringify(tokens));
      else this.storage.removeItem(KEY);
    }
    for (const listener of this.listeners) listener(tokens);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function readTokens(storage: KeyValueStorage | null): Tokens | null {
  const raw = storage?.getItem(KEY);
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<Tokens>;
    if (typeof value.accessToken === "string" && typeof value.refreshToken === "string") {
      return { accessToken: value.accessToken, refreshToken: value.refreshToken };
    }
  } catch {
    // A corrupt entry is the same as being logged out.
  }
  return null;
}
