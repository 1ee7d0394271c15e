/** A list of tracks with play, play next and add-to-queue buttons wired to the player. */
import type { ReactNode } from "react";
import { Link } from "wouter";
import type { Track } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";
import { usePlayer, usePlayerState } from "../player/PlayerProvider";
import { currentEntry } from "../player/queue";
import type { PlaySource } from "../player/types";

interface Props {
  tracks: readonly Track[];
  /** Where plays started here come from (reported with each play). */
  source: PlaySource;
  label: string;
  /** Shows the album column (off on an album's own list). */
  showAlbum?: boolean;
  /** Extra content at the end of each row, e.g. a star. */
  extra?: (track: Track) => ReactNode;
}

export function TrackList({ tracks, source, label, showAlbum = true, extra }: Props) {
  const { t, trackTime } = useI18n();
  const { playTracks, playNext, addToQueue } = usePlayer();
  const playingId = usePlayerState((state) => currentEntry(state.queue)?.track.id ?? null);
  const playable = tracks.filter((track) => !track.isMissing);

  return (
    <ol className="track-list" aria-label={label}>
      {tracks.map((track, index) => {
        const playing = track.id === playingId;
        return (
          <li key={`${track.id}-${index}`} className={playing ? "track-row playing" : "track-row"} aria-current={playing ? "true" : undefined}>
            <span className="track-lead">
              <span className="track-index" aria-hidden="true">
                {index + 1}
              </span>
              <button
                type="button"
                className="icon-button track-play"
                aria-label={t("track.play", { title: track.title })}
                title={t("track.play", { title: track.title })}
                disabled={track.isMissing}
                onClick={() => playTracks(playable, Math.max(0, playable.indexOf(track)), source)}
              >
                <Icon name="play" />
              </button>
            </span>
            <div className="track-main">
              <span className="track-title" title={track.title}>
                {track.title}
                {track.isMissing && <span className="badge">{t("track.missing")}</span>}
              </span>
              <span className="track-artist muted">
                {track.artistId ? <Link href={`/artists/${track.artistId}`}>{track.artistName}</Link> : track.artistName}
              </span>
            </div>
            {showAlbum && (
              <span className="track-album muted">
                <Link href={`/album/${track.albumId}`}>{track.albumName}</Link>
              </span>
            )}
            <span className="track-duration muted">{trackTime(track.duration)}</span>
            <span className="track-actions">
              <button
                type="button"
                className="icon-button"
                aria-label={t("track.playNext", { title: track.title })}
                title={t("track.playNext", { title: track.title })}
                disabled={track.isMissing}
                onClick={() => playNext([track], source)}
              >
                <Icon name="playNext" />
              </button>
              <button
                type="button"
                className="icon-button"
                aria-label={t("track.addToQueue", { title: track.title })}
                title={t("track.addToQueue", { title: track.title })}
                disabled={track.isMissing}
                onClick={() => addToQueue([track], source)}
              >
                <Icon name="queueAdd" />
              </button>
              {extra?.(track)}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** "Play all" for a list of tracks. */
export function PlayAllButton({ tracks, source }: { tracks: readonly Track[]; source: PlaySource }) {
  const { t } = useI18n();
  const { playTracks } = usePlayer();
  const playable = tracks.filter((track) => !track.isMissing);
  return (
    <button type="button" className="button primary" disabled={playable.length === 0} onClick={() => playTracks(playable, 0, source)}>
      <Icon name="play" />
      <span>{t("tracks.playAll")}</span>
    </button>
  );
}
