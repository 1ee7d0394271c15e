/** Users: create (with a temporary password shown once), edit, (de)activate, reset the password, delete. */
import { useCallback, useState, type FormEvent } from "react";
import { api, type AdminUser, type CreatedUser } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { ErrorMessage, Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { useLoad } from "./useAdmin";

interface Secret {
  text: string;
  password: string;
}

export default function UsersTab() {
  const { t, date } = useI18n();
  const { user: me } = useAuth();
  const load = useCallback((fresh: boolean) => api.get<{ users: AdminUser[]; total: number }>("/api/admin/users?take=100", fresh ? { cache: "no-cache" } : {}), []);
  const { data, error, reload } = useLoad(load);
  const [problem, setProblem] = useState<unknown>(null);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  async function act(action: () => Promise<unknown>) {
    setProblem(null);
    try {
      await action();
    } catch (failure) {
      setProblem(failure);
    }
    await reload();
  }

  return (
    <div className="admin-panel">
      <CreateUser
        onCreated={(created) => {
          setSecret({ text: t("admin.users.created", { username: created.user.username }), password: created.temporaryPassword });
          void reload();
        }}
      />
      {secret && (
        <div className="admin-secret" role="status">
          <p>{secret.text}</p>
          <code data-testid="temporary-password">{secret.password}</code>
        </div>
      )}
      <h2>{t("admin.users.list")}</h2>
      <ErrorMessage error={problem ?? error} />
      {data === null ? (
        !error && <Loading />
      ) : (
        <ul className="admin-list" aria-label={t("admin.users.list")}>
          {data.users.map((user) => (
            <li key={user.id} className="admin-row" data-username={user.username}>
              {editing === user.id ? (
                <EditUser
                  user={user}
                  onDone={(saved) => {
                    setEditing(null);
                    if (saved) void act(() => api.put(`/api/admin/users/${user.id}`, saved));
                  }}
                />
              ) : (
                <>
                  <div className="admin-row-main">
                    <strong>{user.name || user.username}</strong>
                    <span className="muted">
                      @{user.username}
                      {user.id === me?.id ? ` (${t("admin.users.you")})` : ""}
                    </span>
                    <div className="admin-badges">
                      <span className="badge">{user.isAdmin ? t("admin.users.admin") : t("admin.users.user")}</span>
                      {user.isSystemAdmin && <span className="badge">{t("admin.users.systemAdmin")}</span>}
                      <span className={user.isActive ? "badge" : "badge admin-badge-off"}>{user.isActive ? t("admin.users.active") : t("admin.users.inactive")}</span>
                      {user.mustChangePassword && <span className="badge">{t("admin.users.mustChange")}</span>}
                    </div>
                    <span className="muted admin-small">
                      {t("admin.users.lastLogin")}: {user.lastLoginAt ? date(user.lastLoginAt) : t("admin.users.never")}
                    </span>
                  </div>
                  <div className="admin-row-actions">
                    <button type="button" className="button small" onClick={() => setEditing(user.id)}>
                      {t("admin.users.edit")}
                    </button>
                    <button
                      type="button"
                      className="button small"
                      onClick={() =>
                        void act(async () => {
                          const answer = await api.post<{ temporaryPassword: string }>(`/api/admin/users/${user.id}/reset-password`);
                          setSecret({ text: t("admin.users.resetDone", { username: user.username }), password: answer.temporaryPassword });
                        })
                      }
                    >
                      {t("admin.users.reset")}
                    </button>
                    {user.isActive ? (
                      <button type="button" className="button small" onClick={() => void act(() => api.delete(`/api/admin/users/${user.id}`))}>
                        {t("admin.users.deactivate")}
                      </button>
                    ) : (
                      <button type="button" className="button small" onClick={() => void act(() => api.put(`/api/admin/users/${user.id}`, { isActive: true }))}>
                        {t("admin.users.activate")}
                      </button>
                    )}
                    <button
                      type="button"
                      className="button small danger"
                      onClick={() => {
                        if (window.confirm(t("admin.users.confirmDelete", { username: user.username }))) void act(() => api.delete(`/api/admin/users/${user.id}/permanently`));
                      }}
                    >
                      {t("admin.users.delete")}
                    </button>
                  </div>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function CreateUser({ onCreated }: { onCreated: (created: CreatedUser) => void }) {
  const { t } = useI18n();
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [isAdmin, setIsAdmin] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<CreatedUser>("/api/admin/users", { username, name: name.trim() || null, isAdmin });
      setUsername("");
      setName("");
      setIsAdmin(false);
      onCreated(created);
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="admin-card form" onSubmit={(event) => void submit(event)} aria-labelledby="create-user-heading">
      <h2 id="create-user-heading">{t("admin.users.create")}</h2>
      <div className="admin-fields">
        <div className="admin-field">
          <label className="field">
            <span>{t("admin.users.username")}</span>
            <input name="new-username" required minLength={3} maxLength={50} pattern="[A-Za-z0-9_]+" autoComplete="off" aria-describedby="username-policy" value={username} onChange={(event) => setUsername(event.target.value)} />
          </label>
          <p id="username-policy" className="hint admin-hint">
            {t("form.usernamePolicy")}
          </p>
        </div>
        <label className="field">
          <span>{t("admin.users.name")}</span>
          <input name="new-name" maxLength={100} autoComplete="off" value={name} onChange={(event) => setName(event.target.value)} />
        </label>
      </div>
      <label className="admin-check">
        <input type="checkbox" checked={isAdmin} onChange={(event) => setIsAdmin(event.target.checked)} />
        <span>{t("admin.users.isAdmin")}</span>
      </label>
      <ErrorMessage error={error} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {t("admin.users.create")}
        </button>
      </div>
    </form>
  );
}

function EditUser({ user, onDone }: { user: AdminUser; onDone: (changes: { name: string; isAdmin: boolean } | null) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState(user.name ?? "");
  const [isAdmin, setIsAdmin] = useState(user.isAdmin);
  return (
    <form
      className="admin-edit"
      onSubmit={(event) => {
        event.preventDefault();
        onDone({ name, isAdmin });
      }}
    >
      <label className="field">
        <span>{t("admin.users.name")}</span>
        <input maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <label className="admin-check">
        <input type="checkbox" checked={isAdmin} onChange={(event) => setIsAdmin(event.target.checked)} />
        <span>{t("admin.users.isAdmin")}</span>
      </label>
      <div className="admin-row-actions">
        <button type="button" className="button small" onClick={() => onDone(null)}>
          {t("admin.users.cancel")}
        </button>
        <button type="submit" className="button small primary">
          {t("admin.users.save")}
        </button>
      </div>
    </form>
  );
}
