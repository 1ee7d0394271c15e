/** /admin and /admin/:tab: the administration tabs; anyone else sees a clear "not allowed". */
import { lazy, Suspense } from "react";
import { Link, useParams } from "wouter";
import { useAuth } from "../auth/AuthProvider";
import { Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import type { MessageKey } from "../i18n/en";
import { useI18n } from "../i18n/I18nProvider";
import "./admin.css";

const TABS = [
  { id: "users", label: "admin.tab.users", page: lazy(() => import("./UsersTab")) },
  { id: "library", label: "admin.tab.library", page: lazy(() => import("./LibraryTab")) },
  { id: "scanner", label: "admin.tab.scanner", page: lazy(() => import("./ScannerTab")) },
  { id: "missing", label: "admin.tab.missing", page: lazy(() => import("./MissingTab")) },
  { id: "analysis", label: "admin.tab.analysis", page: lazy(() => import("./AnalysisTab")) },
] as const satisfies readonly { id: string; label: MessageKey; page: unknown }[];

export default function AdminPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const params = useParams<{ tab?: string }>();
  const tab = TABS.find((candidate) => candidate.id === params.tab) ?? TABS[0];
  usePageTitle(user?.isAdmin ? `${t(tab.label)} · ${t("admin.title")}` : t("admin.forbidden.title"));

  if (!user?.isAdmin) {
    return (
      <section className="page admin-page">
        <h1>{t("admin.forbidden.title")}</h1>
        <p role="alert" className="admin-forbidden">
          {t("admin.forbidden.body")}
        </p>
        <Link href="/home" className="button">
          {t("notFound.back")}
        </Link>
      </section>
    );
  }

  const Tab = tab.page;
  return (
    <section className="page admin-page">
      <h1>{t("admin.title")}</h1>
      <nav className="admin-tabs" aria-label={t("admin.tabs")}>
        {TABS.map((candidate) => (
          <Link
            key={candidate.id}
            href={`/admin/${candidate.id}`}
            className={candidate.id === tab.id ? "admin-tab active" : "admin-tab"}
            aria-current={candidate.id === tab.id ? "page" : undefined}
          >
            {t(candidate.label)}
          </Link>
        ))}
      </nav>
      <Suspense fallback={<Loading />}>
        <Tab />
      </Suspense>
    </section>
  );
}
