/** Missing files: the purge policy (never, always, after N days), a purge by it, and one-by-one deletes. */
import { useCallback, useState, type FormEvent } from "react";
import { api, type MissingTrack } from "../api";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { useLoad } from "./useAdmin";

type Mode = "never" | "always" | "after_days";

function parseMode(mode: string): { mode: Mode; days: number } {
  const match = /^after_days:(\d+)$/.exec(mode);
  if (match) return { mode: "after_days", days: Number(match[1]) };
  return { mode: mode === "always" ? "always" : "never", days: 30 };
}

export default function MissingTab() {
  const { t, tp, date } = useI18n();
  const load = useCallback((fresh: boolean) => api.get<{ tracks: MissingTrack[]; count: number; purgeMode: string }>("/api/scanner/missing-files", fresh ? { cache: "no-cache" } : {}), []);
  const { data, error, reload } = useLoad(load);
  // What the admin is editing; until then the stored policy shows.
  const [draft, setDraft] = useState<{ mode: Mode; days: number } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const { mode, days } = draft ?? parseMode(data?.purgeMode ?? "never");
  const setMode = (next: Mode) => setDraft({ mode: next, days });
  const setDays = (next: number) => setDraft({ mode, days: next });

  async function act(action: () => Promise<string | null>) {
    setProblem(null);
    setNotice(null);
    try {
      setNotice(await action());
    } catch (failure) {
      setProblem(failure);
    }
    await reload();
  }

  function savePolicy(event: FormEvent) {
    event.preventDefault();
    const value = mode === "after_days" ? `after_days:${days}` : mode;
    void act(async () => {
      await api.put("/api/scanner/missing-files/purge-mode", { mode: value });
      setDraft(null);
      return t("admin.missing.policySaved");
    });
  }

  return (
    <div className="admin-panel">
      <form className="admin-card form" onSubmit={savePolicy}>
        <fieldset className="admin-fieldset">
          <legend>{t("admin.missing.policy")}</legend>
          {(["never", "always", "after_days"] as const).map((option) => (
            <label key={option} className="admin-check">
              <input type="radio" name="purge-mode" value={option} checked={mode === option} onChange={() => setMode(option)} />
              <span>{t(option === "after_days" ? "admin.missing.afterDays" : option === "always" ? "admin.missing.always" : "admin.missing.never")}</span>
            </label>
          ))}
          {mode === "after_days" && (
            <label className="field admin-days">
              <span>{t("admin.missing.days")}</span>
              <input type="number" name="purge-days" min={1} max={3650} required value={days} onChange={(event) => setDays(Number(event.target.value))} />
            </label>
          )}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button primary">
            {t("admin.missing.savePolicy")}
          </button>
        </div>
      </form>
      {notice && (
        <p className="success" role="status">
          {notice}
        </p>
      )}
      <ErrorMessage error={problem ?? error} />
      <div className="admin-card">
        <div className="admin-card-head">
          <h2>{data ? tp("admin.missing.count", data.count) : t("admin.tab.missing")}</h2>
          <button
            type="button"
            className="button"
            disabled={!data || data.count === 0}
            onClick={() =>
              void act(async () => {
                const answer = await api.post<{ message: string }>("/api/scanner/missing-files/purge");
                return t("admin.missing.purged", { message: answer.message });
              })
            }
          >
            {t("admin.missing.purge")}
          </button>
        </div>
        {data === null ? (
          !error && <Loading />
        ) : data.tracks.length === 0 ? (
          <p className="muted">{t("admin.missing.none")}</p>
        ) : (
          <ul className="admin-list">
            {data.tracks.map((track) => (
              <li key={track.id} className="admin-row">
                <div className="admin-row-main">
                  <strong>{track.title}</strong>
                  <span className="muted">
                    {track.artistName} · {track.albumName}
                  </span>
                  <span className="muted admin-small admin-ellipsis">{track.path}</span>
                  <span className="muted admin-small">{t("admin.missing.since", { date: date(track.missingAt) })}</span>
                </div>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={t("admin.missing.delete", { title: track.title })}
                  title={t("admin.missing.delete", { title: track.title })}
                  onClick={() =>
                    void act(async () => {
                      const answer = await api.delete<{ message: string }>(`/api/scanner/missing-files/${track.id}`);
                      return answer.message;
                    })
                  }
                >
                  <Icon name="trash" />
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
