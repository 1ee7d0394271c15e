/** Library: the music folder (changed through a folder browser) and what happens after each scan. */
import { useCallback, useState } from "react";
import { api, type AdminSetting, type DirectoryListing, type LibraryInfo } from "../api";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import type { MessageKey } from "../i18n/en";
import { useI18n } from "../i18n/I18nProvider";
import { useLoad } from "./useAdmin";

export default function LibraryTab() {
  const { t, tp } = useI18n();
  const load = useCallback(() => api.get<LibraryInfo>("/api/admin/library"), []);
  const { data, error, reload } = useLoad(load);
  const [browsing, setBrowsing] = useState(false);

  return (
    <div className="admin-panel">
      <div className="admin-card">
        <h2>{t("admin.library.path")}</h2>
        <ErrorMessage error={error} />
        {data === null ? (
          !error && <Loading />
        ) : (
          <>
            <p className="admin-path">
              <Icon name="folder" />
              <code data-testid="library-path">{data.path ?? t("admin.library.none")}</code>
            </p>
            {data.path && (data.readable ? <p className="muted">{tp("admin.library.files", data.fileCount)}</p> : <p className="error">{t("admin.library.unreadable")}</p>)}
            {browsing ? (
              <FolderPicker
                start={data.path ?? "/"}
                onDone={(changed) => {
                  setBrowsing(false);
                  if (changed) void reload();
                }}
              />
            ) : (
              <div className="actions">
                <button type="button" className="button" onClick={() => setBrowsing(true)}>
                  {t("admin.library.change")}
                </button>
              </div>
            )}
          </>
        )}
      </div>
      <Automation />
    </div>
  );
}

function FolderPicker({ start, onDone }: { start: string; onDone: (changed: boolean) => void }) {
  const { t } = useI18n();
  const [path, setPath] = useState(start);
  const load = useCallback(() => api.post<DirectoryListing>("/api/admin/library/browse", { path }), [path]);
  const { data, error } = useLoad(load);
  const [problem, setProblem] = useState<unknown>(null);

  async function choose() {
    setProblem(null);
    try {
      await api.put("/api/admin/library", { path: data?.currentPath ?? path });
      onDone(true);
    } catch (failure) {
      setProblem(failure);
    }
  }

  return (
    <div className="admin-picker">
      <p className="admin-path">
        <span className="muted">{t("setup.library.current")}:</span> <code>{data?.currentPath ?? path}</code>
      </p>
      <ErrorMessage error={problem ?? error} />
      {data && (
        <ul className="admin-folders">
          {data.canGoUp && data.parentPath !== null && (
            <li>
              <button type="button" className="admin-folder" onClick={() => setPath(data.parentPath ?? "/")}>
                <Icon name="up" />
                <span>{t("setup.library.up")}</span>
              </button>
            </li>
          )}
          {data.directories.map((directory) => (
            <li key={directory.path}>
              <button type="button" className="admin-folder" disabled={!directory.readable} onClick={() => setPath(directory.path)}>
                <Icon name="folder" />
                <span>{directory.name}</span>
                {directory.hasMusic && <span className="badge">{t("setup.library.hasMusic")}</span>}
              </button>
            </li>
          ))}
          {data.directories.length === 0 && <li className="muted">{t("setup.library.empty")}</li>}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="button" onClick={() => onDone(false)}>
          {t("admin.users.cancel")}
        </button>
        <button type="button" className="button primary" disabled={!data || data.currentPath === "/"} onClick={() => void choose()}>
          {t("setup.library.use")}
        </button>
      </div>
    </div>
  );
}

function Automation() {
  const { t } = useI18n();
  const load = useCallback((fresh: boolean) => api.get<{ settings: AdminSetting[] }>("/api/admin/settings", fresh ? { cache: "no-cache" } : {}), []);
  const { data, error, reload } = useLoad(load);
  const [problem, setProblem] = useState<unknown>(null);
  // Shown at once, until the server's answer replaces it.
  const [changing, setChanging] = useState<Record<string, boolean>>({});

  async function toggle(key: string, on: boolean) {
    setProblem(null);
    setChanging((before) => ({ ...before, [key]: on }));
    try {
      await api.put(`/api/admin/settings/${encodeURIComponent(key)}`, { value: on ? "true" : "false" });
    } catch (failure) {
      setProblem(failure);
    }
    await reload();
    setChanging((before) => Object.fromEntries(Object.entries(before).filter(([name]) => name !== key)));
  }

  return (
    <div className="admin-card">
      <h2>{t("admin.library.automation")}</h2>
      <ErrorMessage error={problem ?? error} />
      {data === null ? (
        !error && <Loading />
      ) : (
        <div className="admin-checks">
          {data.settings
            .filter((setting) => setting.type === "boolean")
            .map((setting) => (
              <label key={setting.key} className="admin-check">
                <input type="checkbox" name={setting.key} checked={changing[setting.key] ?? setting.value === "true"} onChange={(event) => void toggle(setting.key, event.target.checked)} />
                <span>{t(`admin.setting.${setting.key}` as MessageKey)}</span>
              </label>
            ))}
        </div>
      )}
    </div>
  );
}
