/**
 * /setup: the first-run wizard. Administrator account, music folder (browsing the folders the
 * server allows), optional API keys, finish; then the new administrator is logged in.
 */
import { useEffect, useState, type FormEvent } from "react";
import { api, type DirectoryListing, type LibraryValidation, type SetupStatus } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import type { MessageKey } from "../i18n/en";
import { usePageTitle } from "../components/usePageTitle";

const STEPS = ["admin", "library", "keys", "finish"] as const;
type Step = (typeof STEPS)[number];
const STEP_TITLES: Record<Step, MessageKey> = {
  admin: "setup.admin.title",
  library: "setup.library.title",
  keys: "setup.keys.title",
  finish: "setup.finish.title",
};

interface Credentials {
  username: string;
  password: string;
}

export default function SetupPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<SetupStatus | null>(null);
  const [step, setStep] = useState<Step>("admin");
  const [credentials, setCredentials] = useState<Credentials | null>(null);
  const [error, setError] = useState<unknown>(null);
  usePageTitle(t(STEP_TITLES[step]));

  useEffect(() => {
    api
      .get<SetupStatus>("/api/setup/status", { auth: false })
      .then((answer) => {
        setStatus(answer);
        // A wizard reopened half-way resumes after the steps already done.
        if (answer.hasAdmin) setStep(answer.hasMusicLibrary ? "keys" : "library");
      })
      .catch(setError);
  }, []);

  if (error) return <main className="centered-page"><ErrorMessage error={error} /></main>;
  if (!status) return <Loading />;

  const index = STEPS.indexOf(step);
  const next = () => setStep(STEPS[index + 1] ?? "finish");
  const back = () => setStep(STEPS[index - 1] ?? "admin");

  return (
    <main className="centered-page">
      <div className="card wizard">
        <div className="brand brand-large">
          <Icon name="music" size={32} />
          <span>{t("app.name")}</span>
        </div>
        <h1>{t("setup.title")}</h1>
        <ol className="steps" aria-label={t("setup.steps")}>
          {STEPS.map((name, position) => (
            <li key={name} className={position === index ? "current" : position < index ? "done" : ""} aria-current={position === index ? "step" : undefined}>
              <span className="step-number" aria-hidden="true">{position + 1}</span>
              <span className="step-title">{t(STEP_TITLES[name])}</span>
            </li>
          ))}
        </ol>
        <p className="muted step-count">{t("setup.step", { current: index + 1, total: STEPS.length })}</p>
        <h2>{t(STEP_TITLES[step])}</h2>
        {step === "admin" && (
          <AdminStep
            existing={status.hasAdmin ? status.adminUsername : null}
            onDone={(created) => {
              if (created) setCredentials(created);
              next();
            }}
          />
        )}
        {step === "library" && <LibraryStep initialPath={status.musicLibraryPath ?? status.mountedLibrary?.path ?? ""} onBack={back} onDone={next} />}
        {step === "keys" && <KeysStep onBack={back} onDone={next} />}
        {step === "finish" && <FinishStep credentials={credentials} onBack={back} />}
      </div>
    </main>
  );
}

function AdminStep({ existing, onDone }: { existing: string | null; onDone: (created: Credentials | null) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mismatch = confirm !== "" && password !== confirm;

  if (existing) {
    return (
      <>
        <p>{t("setup.admin.exists", { name: existing })}</p>
        <div className="actions">
          <button type="button" className="button primary" onClick={() => onDone(null)}>
            {t("setup.next")}
          </button>
        </div>
      </>
    );
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/setup/admin", { username, password }, { auth: false });
      onDone({ username, password });
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <p className="muted">{t("setup.admin.intro")}</p>
      <label className="field">
        <span>{t("form.username")}</span>
        <input name="username" autoComplete="username" required minLength={3} maxLength={50} pattern="[A-Za-z0-9_]+" aria-describedby="username-policy" value={username} onChange={(event) => setUsername(event.target.value)} />
      </label>
      <p id="username-policy" className="hint">{t("form.usernamePolicy")}</p>
      <label className="field">
        <span>{t("form.password")}</span>
        <input name="password" type="password" autoComplete="new-password" required minLength={8} maxLength={128} aria-describedby="password-policy" value={password} onChange={(event) => setPassword(event.target.value)} />
      </label>
      <p id="password-policy" className="hint">{t("form.passwordPolicy")}</p>
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
        <button type="submit" className="button primary" disabled={busy || mismatch}>
          {t("setup.next")}
        </button>
      </div>
    </form>
  );
}

function LibraryStep({ initialPath, onBack, onDone }: { initialPath: string; onBack: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [listing, setListing] = useState<DirectoryListing | null>(null);
  const [chosen, setChosen] = useState<LibraryValidation & { path: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [folderName, setFolderName] = useState("");

  async function open(path: string) {
    setError(null);
    try {
      setListing(await api.post<DirectoryListing>("/api/setup/browse", { path }, { auth: false }));
    } catch (problem) {
      setError(problem);
    }
  }

  useEffect(() => {
    // Start where the library already is (or was mounted), else at the allowed folders.
    api
      .post<DirectoryListing>("/api/setup/browse", { path: initialPath }, { auth: false })
      .catch(() => api.post<DirectoryListing>("/api/setup/browse", { path: "" }, { auth: false }))
      .then(setListing)
      .catch(setError);
  }, [initialPath]);

  async function createFolder(event: FormEvent, parent: string) {
    event.preventDefault();
    setError(null);
    try {
      const created = await api.post<{ path: string }>("/api/setup/browse/mkdir", { path: parent, name: folderName }, { auth: false });
      setFolderName("");
      await open(created.path);
    } catch (problem) {
      setError(problem);
    }
  }

  async function use(path: string) {
    setBusy(true);
    setError(null);
    try {
      const answer = await api.post<LibraryValidation>("/api/setup/library", { path }, { auth: false });
      setChosen({ ...answer, path });
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  const atRoots = listing !== null && listing.parentPath === null;
  return (
    <div className="form">
      <p className="muted">{t("setup.library.intro")}</p>
      {listing ? (
        <div className="folder-picker">
          <div className="folder-current">
            <button type="button" className="icon-button" aria-label={t("setup.library.up")} title={t("setup.library.up")} disabled={!listing.canGoUp || listing.parentPath === null} onClick={() => void open(listing.parentPath ?? "")}>
              <Icon name="up" />
            </button>
            <span className="visually-hidden">{t("setup.library.current")}: </span>
            <span className="path">
              {atRoots ? t("setup.library.roots") : listing.currentPath}
            </span>
          </div>
          {listing.directories.length === 0 ? (
            <p className="muted">{t("setup.library.empty")}</p>
          ) : (
            <ul className="folder-list">
              {listing.directories.map((directory) => (
                <li key={directory.path}>
                  <button type="button" className="folder" disabled={!directory.readable} onClick={() => void open(directory.path)}>
                    <Icon name="folder" />
                    <span className="folder-name">{directory.name}</span>
                    {directory.hasMusic && <span className="badge">{t("setup.library.hasMusic")}</span>}
                    {!directory.readable && <span className="badge">{t("setup.library.unreadable")}</span>}
                  </button>
                </li>
              ))}
            </ul>
          )}
          {!atRoots && (
            <>
              <button type="button" className="button" disabled={busy} onClick={() => void use(listing.currentPath)}>
                {t("setup.library.use")}
              </button>
              <form className="new-folder" onSubmit={(event) => void createFolder(event, listing.currentPath)}>
                <label className="visually-hidden" htmlFor="new-folder">
                  {t("setup.library.newFolder")}
                </label>
                <input id="new-folder" name="new-folder" placeholder={t("setup.library.newFolder")} maxLength={255} value={folderName} onChange={(event) => setFolderName(event.target.value)} />
                <button type="submit" className="button" disabled={folderName.trim() === ""}>
                  {t("setup.library.create")}
                </button>
              </form>
            </>
          )}
        </div>
      ) : (
        <Loading />
      )}
      {chosen && (
        <p className={chosen.valid ? "success" : "error"} role="status">
          {chosen.valid ? `${t("setup.library.chosen", { path: chosen.path })} — ${chosen.message}` : chosen.message}
        </p>
      )}
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button" onClick={onBack}>
          {t("setup.back")}
        </button>
        <button type="button" className="button primary" disabled={!chosen?.valid} onClick={onDone}>
          {t("setup.next")}
        </button>
      </div>
    </div>
  );
}

function KeysStep({ onBack, onDone }: { onBack: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const [lastfm, setLastfm] = useState("");
  const [fanart, setFanart] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/setup/api-keys", { lastfm: lastfm || null, fanart: fanart || null }, { auth: false });
      onDone();
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <p className="muted">{t("setup.keys.intro")}</p>
      <label className="field">
        <span>{t("setup.keys.lastfm")}</span>
        <input name="lastfm" autoComplete="off" maxLength={256} value={lastfm} onChange={(event) => setLastfm(event.target.value)} />
      </label>
      <label className="field">
        <span>{t("setup.keys.fanart")}</span>
        <input name="fanart" autoComplete="off" maxLength={256} value={fanart} onChange={(event) => setFanart(event.target.value)} />
      </label>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button" onClick={onBack}>
          {t("setup.back")}
        </button>
        <button type="button" className="button" onClick={onDone}>
          {t("setup.keys.skip")}
        </button>
        <button type="submit" className="button primary" disabled={busy || (!lastfm && !fanart)}>
          {t("setup.next")}
        </button>
      </div>
    </form>
  );
}

function FinishStep({ credentials, onBack }: { credentials: Credentials | null; onBack: () => void }) {
  const { t } = useI18n();
  const { login, reload } = useAuth();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function finish() {
    setBusy(true);
    setError(null);
    try {
      await api.post("/api/setup/complete", undefined, { auth: false });
      // The administrator just typed the password: log in at once. After a reload mid-wizard
      // the password is gone, and the guard sends them to the login page instead.
      if (credentials) await login(credentials.username, credentials.password);
      else await reload();
    } catch (problem) {
      setError(problem);
      setBusy(false);
    }
  }

  return (
    <div className="form">
      <p>{t("setup.finish.intro")}</p>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="button" className="button" onClick={onBack}>
          {t("setup.back")}
        </button>
        <button type="button" className="button primary" disabled={busy} onClick={() => void finish()}>
          {t("setup.finish.submit")}
        </button>
      </div>
    </div>
  );
}
