/** Where a path leads given the session: setup first, then login, then the forced password change. */

export type Session =
  | { status: "loading" }
  | { status: "unreachable" }
  | { status: "setup" }
  /** `loggedOut`: the user just logged out here, so the login page should not offer to return. */
  | { status: "anonymous"; loggedOut?: boolean }
  | { status: "authenticated"; mustChangePassword: boolean };

export const SETUP_PATH = "/setup";
export const LOGIN_PATH = "/login";
export const FIRST_LOGIN_PATH = "/first-login";
export const HOME_PATH = "/home";

/** The path to go to instead of `path`, or null to stay. `path` is a pathname (no query). */
export function redirectFor(session: Session, path: string): string | null {
  switch (session.status) {
    case "loading":
    case "unreachable":
      return null;
    case "setup":
      return path === SETUP_PATH ? null : SETUP_PATH;
    case "anonymous":
      return path === LOGIN_PATH ? null : LOGIN_PATH;
    case "authenticated":
      if (session.mustChangePassword) return path === FIRST_LOGIN_PATH ? null : FIRST_LOGIN_PATH;
      return [SETUP_PATH, LOGIN_PATH, FIRST_LOGIN_PATH, "/"].includes(path) ? HOME_PATH : null;
  }
}

/** After logging in, back to the page that sent the user to the login (only a local path). */
export function returnPath(next: string | null): string {
  if (!next || !next.startsWith("/") || next.startsWith("//")) return HOME_PATH;
  const pathname = next.split(/[?#]/)[0] ?? "";
  return [SETUP_PATH, LOGIN_PATH, FIRST_LOGIN_PATH, "/"].includes(pathname) ? HOME_PATH : next;
}
