/** Scanner: start a scan, follow it live over Socket.IO (pause, resume, cancel), and the history. */
import { useCallback, useEffect, useRef, useState } from "react";
import { api, type NumberedPage, type Scan } from "../api";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import type { MessageKey } from "../i18n/en";
import { useI18n } from "../i18n/I18nProvider";
import { onScannerEvent, scannerCommand, type ScanProgressEvent } from "../realtime/scanner";
import { useLoad } from "./useAdmin";

const ACTIVE = new Set(["pending", "running", "scanning", "aggregating", "extracting_covers", "paused"]);

interface Live {
  scanId: string;
  status: string;
  progress: number;
  filesScanned: number;
  totalFiles: number;
  tracksCreated: number;
  albumsCreated: number;
  artistsCreated: number;
  errors: number;
  currentFile: string | null;
}

function number(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

function live(event: ScanProgressEvent, before: Live | null): Live {
  const same = before?.scanId === event.scanId ? before : null;
  return {
    scanId: event.scanId,
    status: typeof event.status === "string" ? event.status : (same?.status ?? "scanning"),
    progress: number(event.progress ?? same?.progress),
    filesScanned: number(event.filesScanned ?? same?.filesScanned),
    totalFiles: number(event.totalFiles ?? same?.totalFiles),
    tracksCreated: number(event.tracksCreated ?? same?.tracksCreated),
    albumsCreated: number(event.albumsCreated ?? same?.albumsCreated),
    artistsCreated: number(event.artistsCreated ?? same?.artistsCreated),
    errors: number(event.errors ?? same?.errors),
    currentFile: typeof event.currentFile === "string" ? event.currentFile : null,
  };
}

export function statusLabel(t: (key: MessageKey) => string, status: string): string {
  const key = `admin.status.${status}` as MessageKey;
  const text = t(key);
  return text === key ? status : text;
}

export default function ScannerTab() {
  const { t, language } = useI18n();
  const when = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
  const seconds = new Intl.NumberFormat(language, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 1 });
  const minutes = new Intl.NumberFormat(language, { style: "unit", unit: "minute", unitDisplay: "short", maximumFractionDigits: 1 });
  const load = useCallback((fresh: boolean) => api.get<NumberedPage<Scan> & { scans: Scan[] }>("/api/scanner?limit=20", fresh ? { cache: "no-cache" } : {}), []);
  const { data, error, reload } = useLoad(load);
  const [current, setCurrent] = useState<Live | null>(null);
  // The figures the completion event lacks (albums, artists) come from the last progress event.
  const latest = useRef<Live | null>(null);
  useEffect(() => {
    latest.current = current;
  }, [current]);
  const [finished, setFinished] = useState<Live | null>(null);
  const [lastError, setLastError] = useState<{ file: string | null; error: string } | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const [commandError, setCommandError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);

  useEffect(() => {
    const stops = [
      onScannerEvent("scan:progress", (event) => {
        setCurrent((before) => live(event, before));
        setFinished(null);
      }),
      onScannerEvent("scan:completed", (event) => {
        const ended = live(event, latest.current);
        setFinished(ended.status === "completed" ? { ...ended, progress: 100 } : ended);
        setCurrent(null);
        void reload();
      }),
      onScannerEvent("scan:error", (event) => {
        setLastError({ file: event.file, error: event.error });
        if (event.file === null) void reload();
      }),
    ];
    return () => stops.forEach((stop) => stop());
    // reload is stable enough: it only re-reads the history.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // A scan already running when the page opens shows up from the history until its next event.
  const running = data?.scans.find((scan) => ACTIVE.has(scan.status)) ?? null;
  const shown: Live | null =
    current ??
    (running && !finished
      ? { scanId: running.id, status: running.status, progress: 0, filesScanned: running.filesScanned, totalFiles: 0, tracksCreated: running.tracksAdded, albumsCreated: 0, artistsCreated: 0, errors: running.errors, currentFile: null }
      : null);

  async function start() {
    setStarting(true);
    setProblem(null);
    setFinished(null);
    setLastError(null);
    try {
      await api.post("/api/scanner/start", {});
      await reload();
    } catch (failure) {
      setProblem(failure);
    } finally {
      setStarting(false);
    }
  }

  async function command(action: "pause" | "resume" | "cancel", scanId: string) {
    setCommandError(null);
    try {
      const answer = await scannerCommand(action, scanId);
      if (answer.status === "error") setCommandError(answer.message ?? action);
      // "Paused" is shown when the scan says so (it pauses between batches): shown at once, a
      // progress event of a batch still in hand would flip it back, and the button with it.
      else if (action === "resume") setCurrent((before) => (before ? { ...before, status: "scanning" } : before));
    } catch {
      setCommandError(t("app.error.network"));
    }
    await reload();
  }

  const paused = shown?.status === "paused";
  return (
    <div className="admin-panel">
      <div className="admin-card">
        <div className="admin-card-head">
          <h2>{t("admin.scanner.progress")}</h2>
          <button type="button" className="button primary" disabled={starting || shown !== null} onClick={() => void start()}>
            <Icon name="refresh" />
            <span>{t("admin.scanner.start")}</span>
          </button>
        </div>
        <ErrorMessage error={problem} />
        {shown ? (
          <div className="scan-live" data-scan-id={shown.scanId}>
            <p>
              <span className="badge" data-testid="scan-status">
                {statusLabel(t, shown.status)}
              </span>{" "}
              <span data-testid="scan-files">{t("admin.scanner.files", { done: shown.filesScanned, total: shown.totalFiles })}</span>
            </p>
            <progress className="scan-progress" max={100} value={shown.progress} aria-label={t("admin.scanner.progress")} />
            <p className="muted admin-small">
              {t("admin.scanner.counts", { tracks: shown.tracksCreated, albums: shown.albumsCreated, artists: shown.artistsCreated, errors: shown.errors })}
            </p>
            {shown.currentFile && <p className="muted admin-small admin-ellipsis">{shown.currentFile}</p>}
            <div className="actions">
              <button type="button" className="button" onClick={() => void command(paused ? "resume" : "pause", shown.scanId)}>
                <Icon name={paused ? "play" : "pause"} />
                <span>{paused ? t("admin.scanner.resume") : t("admin.scanner.pause")}</span>
              </button>
              <button type="button" className="button danger" onClick={() => void command("cancel", shown.scanId)}>
                <Icon name="close" />
                <span>{t("admin.scanner.cancel")}</span>
              </button>
            </div>
          </div>
        ) : finished ? (
          <div className="scan-live">
            <progress className="scan-progress" max={100} value={finished.status === "completed" ? 100 : finished.progress} aria-label={t("admin.scanner.progress")} />
            {finished.status === "completed" ? (
              <p role="status" className="success" data-testid="scan-finished">
                {t("admin.scanner.finished", { tracks: finished.tracksCreated, albums: finished.albumsCreated, errors: finished.errors })}
              </p>
            ) : (
              <p role="status" data-testid="scan-finished">
                <span className="badge">{statusLabel(t, finished.status)}</span>{" "}
                {t("admin.scanner.counts", { tracks: finished.tracksCreated, albums: finished.albumsCreated, artists: finished.artistsCreated, errors: finished.errors })}
              </p>
            )}
          </div>
        ) : (
          <p className="muted">{t("admin.scanner.idle")}</p>
        )}
        {commandError && (
          <p className="error" role="alert">
            {commandError}
          </p>
        )}
        {lastError && <p className="error admin-small admin-wrap">{t("admin.scanner.lastError", { file: lastError.file ?? "—", error: lastError.error })}</p>}
      </div>

      <div className="admin-card">
        <h2>{t("admin.scanner.history")}</h2>
        <ErrorMessage error={error} />
        {data === null ? (
          !error && <Loading />
        ) : data.scans.length === 0 ? (
          <p className="muted">{t("admin.scanner.noHistory")}</p>
        ) : (
          <div className="admin-table-wrap" tabIndex={0} role="region" aria-label={t("admin.scanner.history")}>
            <table className="admin-table" data-testid="scan-history">
              <thead>
                <tr>
                  <th scope="col">{t("admin.scanner.started")}</th>
                  <th scope="col">{t("admin.scanner.status")}</th>
                  <th scope="col">{t("admin.scanner.added")}</th>
                  <th scope="col">{t("admin.scanner.updated")}</th>
                  <th scope="col">{t("admin.scanner.removed")}</th>
                  <th scope="col">{t("admin.scanner.missing")}</th>
                  <th scope="col">{t("admin.scanner.errors")}</th>
                  <th scope="col">{t("admin.scanner.duration")}</th>
                </tr>
              </thead>
              <tbody>
                {data.scans.map((scan) => (
                  <tr key={scan.id}>
                    <td>{when.format(new Date(scan.startedAt))}</td>
                    <td title={scan.errorMessage ?? undefined}>{statusLabel(t, scan.status)}</td>
                    <td>{scan.tracksAdded}</td>
                    <td>{scan.tracksUpdated}</td>
                    <td>{scan.tracksDeleted}</td>
                    <td>{scan.tracksMissing}</td>
                    <td>{scan.errors}</td>
                    <td>{scan.durationMs === null ? "—" : scan.durationMs < 60_000 ? seconds.format(scan.durationMs / 1000) : minutes.format(scan.durationMs / 60_000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
