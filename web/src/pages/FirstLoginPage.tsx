/** /first-login: a user with a temporary password chooses their own before anything else. */
import { useState, type FormEvent } from "react";
import { api } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { Icon } from "../components/Icon";
import { ErrorMessage } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { usePageTitle } from "../components/usePageTitle";

export default function FirstLoginPage() {
  const { t } = useI18n();
  usePageTitle(t("firstLogin.title"));
  const { reload, logout } = useAuth();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = confirm !== "" && next !== confirm;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api.put("/api/users/password", { currentPassword: current, newPassword: next });
      // The guard sends the user home once /auth/me no longer asks for a change.
      await reload();
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <main className="centered-page">
      <form className="card form" onSubmit={(event) => void submit(event)}>
        <div className="brand brand-large">
          <Icon name="music" size={32} />
          <span>{t("app.name")}</span>
        </div>
        <h1>{t("firstLogin.title")}</h1>
        <p className="muted">{t("firstLogin.intro")}</p>
        <label className="field">
          <span>{t("firstLogin.current")}</span>
          <input name="current-password" type="password" autoComplete="current-password" required value={current} onChange={(event) => setCurrent(event.target.value)} />
        </label>
        <label className="field">
          <span>{t("firstLogin.new")}</span>
          <input name="new-password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} aria-describedby="password-policy" value={next} onChange={(event) => setNext(event.target.value)} />
        </label>
        <p id="password-policy" className="hint">
          {t("form.passwordPolicy")}
        </p>
        <label className="field">
          <span>{t("form.confirmPassword")}</span>
          <input name="confirm-password" type="password" autoComplete="new-password" required aria-invalid={mismatch} aria-describedby={mismatch ? "password-mismatch" : undefined} value={confirm} onChange={(event) => setConfirm(event.target.value)} />
        </label>
        {mismatch && (
          <p id="password-mismatch" className="error">
            {t("form.passwordMismatch")}
          </p>
        )}
        <ErrorMessage error={error} />
        <div className="actions">
          <button type="button" className="button" onClick={() => void logout()}>
            {t("topbar.logout")}
          </button>
          <button type="submit" className="button primary" disabled={busy || mismatch}>
            {t("firstLogin.submit")}
          </button>
        </div>
      </form>
    </main>
  );
}
