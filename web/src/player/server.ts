/** The player's calls to the server: stream tokens, play/skip reports and the playback state. */
import { api } from "../api";
import type { Report } from "./reporting";
import type { PlayableTrack, PlayContext, PlaySource } from "./types";

export function issueStreamToken(): Promise<{ token: string; expiresAt: string }> {
  return api.post<{ token: string; expiresAt: string }>("/api/stream-token/generate");
}

export function streamUrl(trackId: string, token: string): string {
  return `/api/tracks/${encodeURIComponent(trackId)}/stream?token=${encodeURIComponent(token)}`;
}

/** POST /play-tracking/play or /skip. Reporting never disturbs playback, so failures are dropped. */
export function sendReport(trackId: string, source: PlaySource, report: Report): void {
  const context: PlayContext = source.context;
  const body =
    report.kind === "play"
      ? { trackId, playContext: context, completionRate: report.completionRate, ...(source.id ? { sourceId: source.id.slice(0, 64), sourceType: context } : {}) }
      : { trackId, playContext: context, completionRate: report.completionRate };
  void api.post(`/api/play-tracking/${report.kind}`, body).catch(() => undefined);
}

/** PUT /play-tracking/playback-state, only when it changed. */
export class PlaybackStateReporter {
  private last = "";
  private timer: ReturnType<typeof setTimeout> | null = null;

  update(isPlaying: boolean, trackId: string | null): void {
    const key = `${isPlaying}:${trackId ?? ""}`;
    if (key === this.last) return;
    this.last = key;
    // Track changes come with a pause/play pair; only the settled state is sent.
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void api.put("/api/play-tracking/playback-state", { isPlaying, currentTrackId: trackId }).catch(() => undefined);
    }, 300);
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.last = "";
  }
}

interface ShufflePage {
  data: PlayableTrack[];
}

/** Autoplay: tracks to keep going with when the queue runs out (a shuffle of the library). */
export async function moreTracks(exclude: ReadonlySet<string>, count: number): Promise<PlayableTrack[]> {
  const page = await api.get<ShufflePage>(`/api/tracks/shuffle?take=${Math.min(100, count * 2)}`);
  return page.data.filter((track) => !exclude.has(track.id)).slice(0, count);
}
