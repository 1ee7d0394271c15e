import { describe, expect, it } from "vitest";
import { ApiClient } from "./client";
import { ApiError, messageOf } from "./errors";
import { TokenStore, type KeyValueStorage } from "./tokens";

interface Call {
  url: string;
  method: string;
  authorization: string | undefined;
  body: unknown;
}

/** A scripted server: each answer is taken in order, and every call is recorded. */
function scriptedFetch(answers: Array<[number, unknown]>) {
  const calls: Call[] = [];
  const fetchImpl = (url: string, init?: RequestInit) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    calls.push({
      url,
      method: init?.method ?? "GET",
      authorization: headers.Authorization,
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
    });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected call to ${url}`);
    const [status, body] = next;
    return Promise.resolve(new Response(body === null ? null : JSON.stringify(body), { status }));
  };
  return { calls, fetchImpl };
}

function memoryStorage(): KeyValueStorage & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
    removeItem: (key) => void values.delete(key),
  };
}

const envelope = (status: number, error: string, message: unknown) => ({ statusCode: status, error, message, path: "/api/x" });

describe("ApiClient", () => {
  it("sends the access token and parses JSON", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "a1", refreshToken: "r1" });
    const { calls, fetchImpl } = scriptedFetch([[200, { ok: true }]]);
    const answer = await new ApiClient(store, fetchImpl).get<{ ok: boolean }>("/api/albums");
    expect(answer).toEqual({ ok: true });
    expect(calls[0]?.authorization).toBe("Bearer a1");
  });

  it("leaves the token off public calls", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "a1", refreshToken: "r1" });
    const { calls, fetchImpl } = scriptedFetch([[200, {}]]);
    await new ApiClient(store, fetchImpl).get("/api/setup/status", { auth: false });
    expect(calls[0]?.authorization).toBeUndefined();
  });

  it("refreshes once on 401, keeps the rotated tokens and retries the call", async () => {
    const storage = memoryStorage();
    const store = new TokenStore(storage);
    store.set({ accessToken: "old", refreshToken: "r-old" });
    const { calls, fetchImpl } = scriptedFetch([
      [401, envelope(401, "Unauthorized", "Token expired")],
      [200, { accessToken: "new", refreshToken: "r-new" }],
      [200, { user: "me" }],
    ]);
    const answer = await new ApiClient(store, fetchImpl).get("/api/auth/me");
    expect(answer).toEqual({ user: "me" });
    expect(calls.map((call) => call.url)).toEqual(["/api/auth/me", "/api/auth/refresh", "/api/auth/me"]);
    expect(calls[1]?.body).toEqual({ refreshToken: "r-old" });
    expect(calls[2]?.authorization).toBe("Bearer new");
    expect(store.get()).toEqual({ accessToken: "new", refreshToken: "r-new" });
    expect(new TokenStore(storage).get()).toEqual({ accessToken: "new", refreshToken: "r-new" });
  });

  it("shares one refresh between parallel calls, since the refresh token works only once", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "old", refreshToken: "r-old" });
    const { calls, fetchImpl } = scriptedFetch([
      [401, envelope(401, "Unauthorized", "expired")],
      [401, envelope(401, "Unauthorized", "expired")],
      [200, { accessToken: "new", refreshToken: "r-new" }],
      [200, { n: 1 }],
      [200, { n: 2 }],
    ]);
    const client = new ApiClient(store, fetchImpl);
    await Promise.all([client.get("/api/a"), client.get("/api/b")]);
    expect(calls.filter((call) => call.url === "/api/auth/refresh")).toHaveLength(1);
  });

  it("uses tokens another tab already refreshed instead of refreshing the same token again", async () => {
    const storage = memoryStorage();
    const thisTab = new TokenStore(storage);
    thisTab.set({ accessToken: "old", refreshToken: "r-old" });
    const { calls, fetchImpl } = scriptedFetch([
      [401, envelope(401, "Unauthorized", "expired")],
      [200, { ok: true }],
    ]);
    const client = new ApiClient(thisTab, fetchImpl);
    const answer = client.get("/api/albums");
    // Meanwhile the other tab rotated the tokens in the shared storage.
    new TokenStore(storage).set({ accessToken: "new", refreshToken: "r-new" });
    expect(await answer).toEqual({ ok: true });
    expect(calls.map((call) => call.url)).toEqual(["/api/albums", "/api/albums"]);
    expect(calls[1]?.authorization).toBe("Bearer new");
  });

  it("forgets the tokens when the refresh is refused, and the call fails with the server's message", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "old", refreshToken: "r-old" });
    const dropped: unknown[] = [];
    store.subscribe((tokens) => dropped.push(tokens));
    const { fetchImpl } = scriptedFetch([
      [401, envelope(401, "Unauthorized", "Token expired")],
      [401, envelope(401, "Unauthorized", "Refresh token revoked")],
    ]);
    const failure = new ApiClient(store, fetchImpl).get("/api/albums");
    await expect(failure).rejects.toMatchObject({ status: 401, message: "Token expired" });
    expect(store.get()).toBeNull();
    expect(dropped).toEqual([null]);
  });

  it("reports a forced password change", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "a", refreshToken: "r" });
    const { fetchImpl } = scriptedFetch([[403, { ...envelope(403, "MustChangePassword", "Change your password"), mustChangePassword: true }]]);
    const client = new ApiClient(store, fetchImpl);
    let told = false;
    client.onMustChangePassword = () => {
      told = true;
    };
    const error = await client.get("/api/albums").catch((problem: unknown) => problem);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).mustChangePassword).toBe(true);
    expect(told).toBe(true);
  });

  it("logs out on the server and forgets the tokens", async () => {
    const store = new TokenStore(null);
    store.set({ accessToken: "a", refreshToken: "r" });
    const { calls, fetchImpl } = scriptedFetch([[200, { message: "Logged out" }]]);
    await new ApiClient(store, fetchImpl).logout();
    expect(calls[0]).toMatchObject({ url: "/api/auth/logout", method: "POST", authorization: "Bearer a" });
    expect(store.get()).toBeNull();
  });
});

describe("messageOf", () => {
  it("reads a plain message, a list of field errors, or falls back to the error name", () => {
    expect(messageOf(envelope(404, "Not Found", "Album not found"), "x")).toBe("Album not found");
    expect(messageOf(envelope(400, "Bad Request", [{ field: "password", message: "too short" }, "other"]), "x")).toBe("password: too short; other");
    expect(messageOf({ error: "Conflict" }, "x")).toBe("Conflict");
    expect(messageOf(null, "HTTP 502")).toBe("HTTP 502");
  });
});

describe("TokenStore", () => {
  it("treats a corrupt stored entry as logged out", () => {
    const storage = memoryStorage();
    storage.setItem("echo.tokens", "{not json");
    expect(new TokenStore(storage).get()).toBeNull();
  });
});
