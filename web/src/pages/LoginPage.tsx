/** /login: username and password; back to the page the visitor asked for. */
import { useState, type FormEvent } from "react";
import { useLocation, useSearch } from "wouter";
import { useAuth } from "../auth/AuthProvider";
import { returnPath } from "../auth/redirect";
import { Icon } from "../components/Icon";
import { ErrorMessage } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { usePageTitle } from "../components/usePageTitle";

export default function LoginPage() {
  const { t } = useI18n();
  usePageTitle(t("login.title"));
  const { login } = useAuth();
  const [, navigate] = useLocation();
  const search = useSearch();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(username, password);
      navigate(returnPath(new URLSearchParams(search).get("next")), { replace: true });
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
        <h1>{t("login.title")}</h1>
        <label className="field">
          <span>{t("form.username")}</span>
          <input name="username" autoComplete="username" required minLength={3} maxLength={50} value={username} onChange={(event) => setUsername(event.target.value)} />
        </label>
        <label className="field">
          <span>{t("form.password")}</span>
          <input name="password" type="password" autoComplete="current-password" required maxLength={128} value={password} onChange={(event) => setPassword(event.target.value)} />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t("login.submitting") : t("login.submit")}
        </button>
      </form>
    </main>
  );
}
