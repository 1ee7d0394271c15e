/** The router: guards first (setup, login, forced password change), then the page. */
import { Suspense } from "react";
import { Redirect, Route, Switch, useLocation, useSearch } from "wouter";
import { useAuth } from "../auth/AuthProvider";
import { LOGIN_PATH, redirectFor } from "../auth/redirect";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { Layout } from "./Layout";
import { LAYOUT_ROUTES, NotFoundPage, STANDALONE_ROUTES } from "./routes";

function Unreachable() {
  const { t } = useI18n();
  const { reload } = useAuth();
  return (
    <main className="centered-page">
      <div className="card">
        <p role="alert">{t("app.error.network")}</p>
        <button type="button" className="button primary" onClick={() => void reload()}>
          {t("app.retry")}
        </button>
      </div>
    </main>
  );
}

export function App() {
  const { session } = useAuth();
  const [path] = useLocation();
  const search = useSearch();

  if (session.status === "loading") return <Loading />;
  if (session.status === "unreachable") return <Unreachable />;

  const target = redirectFor(session, path);
  if (target) {
    // Remember where a logged-out visitor was going, to come back after logging in.
    const returning = target === LOGIN_PATH && path !== "/" && !(session.status === "anonymous" && session.loggedOut);
    const next = returning ? `?next=${encodeURIComponent(path + (search ? `?${search}` : ""))}` : "";
    return <Redirect to={target + next} replace />;
  }

  return (
    <Switch>
      {STANDALONE_ROUTES.map(({ path: pattern, page: Page }) => (
        <Route key={pattern} path={pattern}>
          <ErrorBoundary>
            <Suspense fallback={<Loading />}>
              <Page />
            </Suspense>
          </ErrorBoundary>
        </Route>
      ))}
      <Route>
        <Layout>
          {/* Keyed by path: leaving a crashed page gives the next one a fresh start. */}
          <ErrorBoundary key={path}>
            <Switch>
              {LAYOUT_ROUTES.map(({ path: pattern, page: Page }) => (
                <Route key={pattern} path={pattern}>
                  <Page />
                </Route>
              ))}
              <Route>
                <NotFoundPage />
              </Route>
            </Switch>
          </ErrorBoundary>
        </Layout>
      </Route>
    </Switch>
  );
}
