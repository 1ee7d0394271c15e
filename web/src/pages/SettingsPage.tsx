/** /settings: one framed section per entry of settings/sections.ts. */
import { Suspense } from "react";
import { useAuth } from "../auth/AuthProvider";
import { Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { SETTINGS_SECTIONS } from "./settings/sections";

export default function SettingsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  usePageTitle(t("settings.title"));
  const sections = SETTINGS_SECTIONS.filter((section) => !section.adminOnly || user?.isAdmin);
  return (
    <div className="page settings-page">
      <h1>{t("settings.title")}</h1>
      {sections.map(({ id, title, component: Section }) => (
        <section key={id} id={id} className="settings-section" aria-labelledby={`${id}-heading`}>
          <h2 id={`${id}-heading`}>{t(title)}</h2>
          <Suspense fallback={<Loading />}>
            <Section />
          </Suspense>
        </section>
      ))}
    </div>
  );
}
