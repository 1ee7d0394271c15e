/**
 * The session: whether setup is needed, who is logged in, and the actions that change it.
 * It asks the server's setup status first, then /auth/me with the stored tokens.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, ApiError, tokens, type LoginResponse, type SetupStatus, type User } from "../api";
import { hasOwnLanguage, useI18n } from "../i18n/I18nProvider";
import { LANGUAGES } from "../i18n/translate";
import { adoptTheme } from "../theme/theme";
import type { Session } from "./redirect";

export interface Auth {
  session: Session;
  user: User | null;
  /** Asks the server again (after setup completes, after a password change, on "try again"). */
  reload: () => Promise<void>;
  login: (username: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

interface SessionState {
  session: Session;
  user: User | null;
}

/** Asks the server's setup status, then who the stored tokens belong to. */
async function checkSession(): Promise<SessionState> {
  try {
    const setup = await api.get<SetupStatus>("/api/setup/status", { auth: false });
    if (setup.needsSetup) return { session: { status: "setup" }, user: null };
    if (!tokens.get()) return { session: { status: "anonymous" }, user: null };
    const me = await api.get<{ user: User }>("/api/auth/me");
    return { session: { status: "authenticated", mustChangePassword: me.user.mustChangePassword }, user: me.user };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      tokens.set(null);
      return { session: { status: "anonymous" }, user: null };
    }
    return { session: { status: "unreachable" }, user: null };
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session>({ status: "loading" });
  const [user, setUser] = useState<User | null>(null);
  const { setLanguage } = useI18n();

  /** The account's theme and language: see adoptTheme for when they replace this browser's. */
  const adoptPreferences = useCallback(
    (account: Pick<User, "theme" | "language">, replace: boolean) => {
      adoptTheme(account.theme, replace);
      const language = LANGUAGES.find((known) => known === account.language);
      if (language && (replace || !hasOwnLanguage())) setLanguage(language);
    },
    [setLanguage],
  );

  const apply = useCallback((state: SessionState) => {
    setUser(state.user);
    setSession(state.session);
  }, []);

  const reload = useCallback(() => checkSession().then(apply), [apply]);

  useEffect(() => {
    void checkSession().then((state) => {
      if (state.user) adoptPreferences(state.user, false);
      apply(state);
    });
    // Tokens dropped anywhere (a refused refresh, a logout in another tab) log this tab out too.
    const unsubscribe = tokens.subscribe((current) => {
      if (current === null) {
        setUser(null);
        setSession((previous) => (previous.status === "authenticated" ? { status: "anonymous" } : previous));
      }
    });
    const onStorage = (event: StorageEvent) => {
      if (event.key === "echo.tokens") void reload();
    };
    window.addEventListener("storage", onStorage);
    api.onMustChangePassword = () => {
      setSession((previous) =>
        previous.status === "authenticated" ? { status: "authenticated", mustChangePassword: true } : previous,
      );
    };
    return () => {
      unsubscribe();
      window.removeEventListener("storage", onStorage);
    };
  }, [apply, reload, adoptPreferences]);

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api.post<LoginResponse>("/api/auth/login", { username, password }, { auth: false });
      tokens.set({ accessToken: answer.accessToken, refreshToken: answer.refreshToken });
      adoptPreferences(answer.user, true);
      await reload();
    },
    [reload, adoptPreferences],
  );

  const logout = useCallback(async () => {
    await api.logout();
    setUser(null);
    setSession({ status: "anonymous", loggedOut: true });
  }, []);

  const value = useMemo<Auth>(() => ({ session, user, reload, login, logout }), [session, user, reload, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const value = useContext(AuthContext);
  if (!value) throw new Error("useAuth outside <AuthProvider>");
  return value;
}
