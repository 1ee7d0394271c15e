/** Analysis: loudness and DJ analysis status, live from lufs:progress / dj:progress, with retry and stop. */
import { useCallback, useEffect, useState } from "react";
import { api, ApiError, type AnalysisStatus } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import { onScannerEvent } from "../realtime/scanner";

type Kind = "lufs" | "dj";

export default function AnalysisTab() {
  return (
    <div className="admin-panel admin-grid">
      <AnalysisCard kind="lufs" />
      <AnalysisCard kind="dj" />
    </div>
  );
}

function AnalysisCard({ kind }: { kind: Kind }) {
  const { t, longDuration } = useI18n();
  const [status, setStatus] = useState<AnalysisStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = useCallback(
    () =>
      api.get<AnalysisStatus>(`/api/scanner/${kind}-status`, { cache: "no-cache" }).then((answer) => {
        setStatus(answer);
        setError(null);
      }, setError),
    [kind],
  );

  useEffect(() => {
    void load();
    // Live figures; the failed count and current track come from the status endpoint.
    const stop = onScannerEvent(`${kind}:progress`, (event) => {
      setStatus((before) => (before ? { ...before, ...event } : before));
      if (!event.isRunning) void load();
    });
    return stop;
  }, [kind, load]);

  async function act(path: string) {
    setError(null);
    try {
      const answer = await api.post<{ message: string }>(path);
      setNotice(answer.message);
    } catch (problem) {
      setError(problem);
    }
    await load();
  }

  const title = kind === "lufs" ? t("admin.analysis.lufs") : t("admin.analysis.dj");
  const state = status?.isRunning ? t("admin.analysis.running") : status?.stopped ? t("admin.analysis.stopped") : t("admin.analysis.idle");
  return (
    <section className="admin-card" aria-labelledby={`${kind}-heading`} data-analysis={kind}>
      <div className="admin-card-head">
        <h2 id={`${kind}-heading`}>{title}</h2>
        {status && (
          <span className={status.isRunning ? "badge admin-badge-on" : "badge"} data-testid={`${kind}-state`}>
            {state}
          </span>
        )}
      </div>
      {error instanceof ApiError && error.status === 404 ? <p className="muted">{t("admin.analysis.unavailable")}</p> : <ErrorMessage error={error} />}
      {status === null ? (
        !error && <Loading />
      ) : (
        <>
          <dl className="admin-stats">
            <div>
              <dt>{t("admin.analysis.pending")}</dt>
              <dd data-testid={`${kind}-pending`}>{status.pendingTracks}</dd>
            </div>
            <div>
              <dt>{t("admin.analysis.processed")}</dt>
              <dd>{status.processedInSession}</dd>
            </div>
            <div>
              <dt>{t("admin.analysis.failed")}</dt>
              <dd>{status.failedTracks}</dd>
            </div>
            {status.isRunning && status.estimatedTimeRemaining !== null && (
              <div>
                <dt>{t("admin.analysis.remaining")}</dt>
                <dd>{longDuration(status.estimatedTimeRemaining)}</dd>
              </div>
            )}
          </dl>
          {status.isRunning && status.currentTrack && (
            <p className="muted admin-small admin-ellipsis">
              {t("admin.analysis.current")}: {status.currentTrack}
            </p>
          )}
          {notice && (
            <p className="success" role="status">
              {notice}
            </p>
          )}
          <div className="actions">
            <button type="button" className="button" disabled={status.failedTracks === 0} onClick={() => void act(`/api/scanner/${kind}-retry`)}>
              {t("admin.analysis.retry")}
            </button>
            {kind === "dj" && (
              <button type="button" className="button danger" disabled={!status.isRunning && status.pendingTracks === 0} onClick={() => void act("/api/scanner/dj-stop")}>
                {t("admin.analysis.stop")}
              </button>
            )}
          </div>
        </>
      )}
    </section>
  );
}
