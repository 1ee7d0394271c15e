/** Any path no page claims. */
import { Link } from "wouter";
import { useI18n } from "../i18n/I18nProvider";
import { usePageTitle } from "../components/usePageTitle";

export default function NotFoundPage() {
  const { t } = useI18n();
  usePageTitle(t("notFound.title"));
  return (
    <section className="page">
      <h1>{t("notFound.title")}</h1>
      <Link href="/home" className="button">
        {t("notFound.back")}
      </Link>
    </section>
  );
}
