/**
 * The REST client: JSON in and out, the access token on every call, one refresh (with rotation)
 * when the server answers 401, and errors as `ApiError` with the envelope's message.
 */
import { ApiError, errorFromResponse } from "./errors";
import type { TokenStore, Tokens } from "./tokens";

export interface RequestOptions {
  body?: unknown;
  /** Send the access token (and refresh it on 401). Public endpoints pass false. */
  auth?: boolean;
  signal?: AbortSignal;
  /** "no-cache" revalidates what the browser cached (lists are cached briefly by the server's headers). */
  cache?: RequestCache;
}

type Fetch = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiClient {
  private refreshing: Promise<boolean> | null = null;
  /** Called when the server says the user must change the password first (403 MustChangePassword). */
  onMustChangePassword: () => void = () => undefined;

  constructor(
    readonly tokens: TokenStore,
    private readonly fetchImpl: Fetch = (input, init) => fetch(input, init),
    private readonly baseUrl = "",
  ) {}

  get<T>(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("GET", path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("POST", path, { ...options, body });
  }

  put<T>(path: string, body?: unknown, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("PUT", path, { ...options, body });
  }

  delete<T>(path: string, options: Omit<RequestOptions, "body"> = {}): Promise<T> {
    return this.request<T>("DELETE", path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const auth = options.auth ?? true;
    const sentWith = auth ? this.tokens.get() : null;
    let response = await this.send(method, path, options, sentWith?.accessToken);
    if (response.status === 401 && sentWith) {
      if (await this.refreshAfter(sentWith)) {
        response = await this.send(method, path, options, this.tokens.get()?.accessToken);
      }
    }
    return this.read<T>(response);
  }

  /** Logs out on the server (blacklists the token, revokes the stream token), then forgets the tokens. */
  async logout(): Promise<void> {
    const current = this.tokens.get();
    if (current) {
      try {
        await this.send("POST", "/api/auth/logout", {}, current.accessToken);
      } catch {
        // Offline or already expired: forgetting the tokens locally is what matters.
      }
    }
    this.tokens.set(null);
  }

  private send(method: string, path: string, options: RequestOptions, accessToken: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    const init: RequestInit = { method, headers };
    if (options.body !== undefined) {
      if (options.body instanceof FormData) {
        init.body = options.body;
      } else {
        headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(options.body);
      }
    }
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (options.signal) init.signal = options.signal;
    if (options.cache) init.cache = options.cache;
    return this.fetchImpl(this.baseUrl + path, init);
  }

  private async read<T>(response: Response): Promise<T> {
    const text = await response.text();
    let body: unknown = null;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!response.ok) {
      const error = errorFromResponse(response.status, response.statusText, body);
      if (error.mustChangePassword) this.onMustChangePassword();
      throw error;
    }
    return body as T;
  }

  /**
   * Refreshes once for everyone who got a 401 with the same tokens: the refresh token is rotated
   * and a used one presented again ends the session, so two refreshes with one token would log
   * the user out. Within a tab the calls share one refresh; across tabs a Web Lock serialises
   * them, and a tab that finds the tokens already rotated by another uses those.
   */
  private refreshAfter(stale: Tokens): Promise<boolean> {
    this.refreshing ??= withRefreshLock(async () => {
      const current = this.tokens.get();
      if (!current) return false;
      if (current.accessToken !== stale.accessToken) return true;
      return this.refresh(current.refreshToken);
    }).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(refreshToken: string): Promise<boolean> {
    try {
      const response = await this.send("POST", "/api/auth/refresh", { body: { refreshToken } }, undefined);
      if (!response.ok) {
        this.tokens.set(null);
        return false;
      }
      const pair = (await response.json()) as Tokens;
      this.tokens.set({ accessToken: pair.accessToken, refreshToken: pair.refreshToken });
      return true;
    } catch (error) {
      // A network failure is not a rejected refresh token: stay logged in and let the caller fail.
      if (error instanceof ApiError) this.tokens.set(null);
      return false;
    }
  }
}

/** Runs `work` while holding a lock all of the site's tabs share (where the browser has Web Locks). */
function withRefreshLock(work: () => Promise<boolean>): Promise<boolean> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks ? locks.request("echo-token-refresh", work) : work();
}
