/** Shared status displays: the loading line and an error message announced to screen readers. */
import { ApiError } from "../api";
import { useI18n } from "../i18n/I18nProvider";

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="loading" role="status">
      {t("app.loading")}
    </div>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const text = error instanceof ApiError ? error.message : t("app.error.network");
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}
