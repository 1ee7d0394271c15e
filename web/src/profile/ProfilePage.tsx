/** /profile: the signed-in user's name, password, avatar and privacy. */
import { Fragment, useEffect, useRef, useState, type FormEvent } from "react";
import { api, ApiError, type AvatarUpload, type Privacy } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import "./profile.css";

/** The server's limit (ECHO_AVATAR_MAX_BYTES, 5 MB by default); it also answers 413 past its own. */
const AVATAR_MAX_MB = 5;

export default function ProfilePage() {
  const { t } = useI18n();
  usePageTitle(t("profile.title"));
  return (
    <section className="page profile-page">
      <h1>{t("profile.title")}</h1>
      <AccountSection />
      <AvatarSection />
      <PasswordSection />
      <PrivacySection />
    </section>
  );
}

function AccountSection() {
  const { t } = useI18n();
  const { user, reload } = useAuth();
  const [name, setName] = useState(user?.name ?? "");
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    setError(null);
    try {
      await api.put("/api/users/profile", { name });
      await reload();
      setSaved(true);
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <form className="profile-card form" onSubmit={(event) => void submit(event)} aria-labelledby="account-heading">
      <h2 id="account-heading">{t("profile.account")}</h2>
      <p className="muted">@{user?.username}</p>
      <label className="field">
        <span>{t("profile.name")}</span>
        <input name="name" maxLength={100} autoComplete="name" value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <ErrorMessage error={error} />
      {saved && (
        <p className="success" role="status">
          {t("profile.saved")}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary">
          {t("profile.save")}
        </button>
      </div>
    </form>
  );
}

function AvatarSection() {
  const { t } = useI18n();
  const { user, reload } = useAuth();
  const input = useRef<HTMLInputElement>(null);
  const [version, setVersion] = useState(() => Date.now());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const src = user?.hasAvatar ? `/api/images/users/${user.id}/avatar?v=${version}` : null;

  async function upload(file: File) {
    setError(null);
    if (file.size > AVATAR_MAX_MB * 1024 * 1024) {
      setError(t("profile.avatarTooLarge", { size: AVATAR_MAX_MB }));
      return;
    }
    const form = new FormData();
    form.append("file", file);
    setBusy(true);
    try {
      const answer = await api.post<AvatarUpload>("/api/users/avatar", form);
      setVersion(Number(new URL(answer.avatarUrl, location.origin).searchParams.get("v")) || Date.now());
      await reload();
    } catch (problem) {
      setError(problem instanceof ApiError && problem.status === 413 ? t("profile.avatarTooLarge", { size: AVATAR_MAX_MB }) : problem instanceof ApiError ? problem.message : t("app.error.network"));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  }

  async function remove() {
    setError(null);
    try {
      await api.delete("/api/users/avatar");
      await reload();
    } catch (problem) {
      setError(problem instanceof ApiError ? problem.message : t("app.error.network"));
    }
  }

  return (
    <div className="profile-card" role="group" aria-labelledby="avatar-heading">
      <h2 id="avatar-heading">{t("profile.avatar")}</h2>
      <div className="avatar-row">
        {src ? <img className="avatar-large" src={src} alt={t("profile.avatarAlt")} width={96} height={96} /> : <div className="avatar-large avatar-empty" aria-hidden="true">{(user?.name || user?.username || "?").slice(0, 1).toUpperCase()}</div>}
        <div className="avatar-controls">
          {!src && <p className="muted">{t("profile.avatarNone")}</p>}
          <label className="button avatar-upload">
            <span>{t("profile.avatarChoose")}</span>
            <input ref={input} type="file" name="avatar" accept="image/jpeg,image/png,image/webp" className="visually-hidden" aria-describedby="avatar-hint" disabled={busy} onChange={(event) => {
              const file = event.target.files?.[0];
              if (file) void upload(file);
            }} />
          </label>
          {src && (
            <button type="button" className="button" onClick={() => void remove()}>
              {t("profile.avatarRemove")}
            </button>
          )}
          <p id="avatar-hint" className="hint muted">
            {t("profile.avatarHint", { size: AVATAR_MAX_MB })}
          </p>
        </div>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="avatar-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** Which field a server message is about: the policy and "must differ" concern the new password. */
function fieldOf(error: ApiError): "current" | "new" | null {
  if (error.status === 401 || /current/i.test(error.message)) return "current";
  if (error.status === 400) return "new";
  return null;
}

function PasswordSection() {
  const { t } = useI18n();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<{ current?: string; new?: string; other?: unknown }>({});
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const mismatch = confirm !== "" && next !== confirm;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setErrors({});
    setDone(false);
    try {
      await api.put("/api/users/password", { currentPassword: current, newPassword: next });
      setCurrent("");
      setNext("");
      setConfirm("");
      setDone(true);
    } catch (problem) {
      const field = problem instanceof ApiError ? fieldOf(problem) : null;
      if (field && problem instanceof ApiError) setErrors({ [field]: problem.message });
      else setErrors({ other: problem });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="profile-card form" onSubmit={(event) => void submit(event)} aria-labelledby="password-heading">
      <h2 id="password-heading">{t("profile.password")}</h2>
      <label className="field">
        <span>{t("profile.currentPassword")}</span>
        <input name="current-password" type="password" autoComplete="current-password" required aria-invalid={errors.current ? true : undefined} aria-describedby={errors.current ? "current-password-error" : undefined} value={current} onChange={(event) => setCurrent(event.target.value)} />
      </label>
      {errors.current && (
        <p id="current-password-error" className="error" role="alert">
          {errors.current}
        </p>
      )}
      <label className="field">
        <span>{t("profile.newPassword")}</span>
        <input name="new-password" type="password" autoComplete="new-password" required maxLength={128} aria-invalid={errors.new ? true : undefined} aria-describedby={errors.new ? "new-password-error profile-password-policy" : "profile-password-policy"} value={next} onChange={(event) => setNext(event.target.value)} />
      </label>
      {errors.new && (
        <p id="new-password-error" className="error" role="alert">
          {errors.new}
        </p>
      )}
      <p id="profile-password-policy" className="hint">
        {t("form.passwordPolicy")}
      </p>
      <label className="field">
        <span>{t("form.confirmPassword")}</span>
        <input name="confirm-password" type="password" autoComplete="new-password" required aria-invalid={mismatch} aria-describedby={mismatch ? "profile-password-mismatch" : undefined} value={confirm} onChange={(event) => setConfirm(event.target.value)} />
      </label>
      {mismatch && (
        <p id="profile-password-mismatch" className="error">
          {t("form.passwordMismatch")}
        </p>
      )}
      <ErrorMessage error={errors.other} />
      {done && (
        <p className="success" role="status">
          {t("profile.passwordChanged")}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy || mismatch}>
          {t("profile.changePassword")}
        </button>
      </div>
    </form>
  );
}

const SWITCHES = [
  ["isPublicProfile", "profile.publicProfile"],
  ["showTopTracks", "profile.showTopTracks"],
  ["showTopArtists", "profile.showTopArtists"],
  ["showTopAlbums", "profile.showTopAlbums"],
  ["showPlaylists", "profile.showPlaylists"],
] as const;

function PrivacySection() {
  const { t } = useI18n();
  const [privacy, setPrivacy] = useState<Privacy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    api.get<Privacy>("/api/users/privacy", { cache: "no-cache" }).then(setPrivacy, setError);
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!privacy) return;
    setSaved(false);
    setError(null);
    try {
      setPrivacy(await api.put<Privacy>("/api/users/privacy", { ...privacy, bio: privacy.bio?.trim() || null }));
      setSaved(true);
    } catch (problem) {
      setError(problem);
    }
  }

  return (
    <form className="profile-card form" onSubmit={(event) => void submit(event)} aria-labelledby="privacy-heading">
      <h2 id="privacy-heading">{t("profile.privacy")}</h2>
      {privacy === null ? (
        !error && <Loading />
      ) : (
        <>
          {SWITCHES.map(([key, label]) => (
            <Fragment key={key}>
              <label className="profile-check">
                <input type="checkbox" name={key} checked={privacy[key]} aria-describedby={key === "isPublicProfile" ? "public-profile-hint" : undefined} onChange={(event) => setPrivacy({ ...privacy, [key]: event.target.checked })} />
                <span>{t(label)}</span>
              </label>
              {key === "isPublicProfile" && (
                <p id="public-profile-hint" className="hint profile-hint">
                  {t("profile.publicProfileHint")}
                </p>
              )}
            </Fragment>
          ))}
          <label className="field">
            <span>{t("profile.bio")}</span>
            <textarea name="bio" maxLength={500} rows={3} value={privacy.bio ?? ""} onChange={(event) => setPrivacy({ ...privacy, bio: event.target.value })} />
          </label>
        </>
      )}
      <ErrorMessage error={error} />
      {saved && (
        <p className="success" role="status">
          {t("profile.saved")}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={!privacy}>
          {t("profile.savePrivacy")}
        </button>
      </div>
    </form>
  );
}
