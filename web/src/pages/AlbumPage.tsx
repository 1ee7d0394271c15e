/**
 * /album/:id: cover, title, artist, year and length; play, shuffle, play next and add to queue
 * for the whole album; the tracks grouped by disc, each playable from there or queued.
 */
import { useEffect, useMemo, useState } from "react";
import { Link, useParams } from "wouter";
import { api, coverSrc, type Album, type Ref, type SkipPage, type Track } from "../api";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { currentEntry, usePlayer, usePlayerState, type PlaySource } from "../player";
import "../player/player.css";

interface AlbumDetails extends Album {
  albumArtist: Ref;
  compilation: boolean;
  discCount: number;
  genres: Ref[];
}

type AlbumTrack = Track & { discSubtitle?: string | null };

interface Disc {
  number: number;
  subtitle: string | null;
  tracks: AlbumTrack[];
}

const PAGE = 100;

async function allTracks(albumId: string): Promise<AlbumTrack[]> {
  const tracks: AlbumTrack[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await api.get<SkipPage<AlbumTrack>>(`/api/albums/${albumId}/tracks?skip=${skip}&take=${PAGE}`);
    tracks.push(...page.data);
    if (!page.hasMore || page.data.length === 0) return tracks;
  }
}

function byDisc(tracks: AlbumTrack[]): Disc[] {
  const discs = new Map<number, Disc>();
  for (const track of tracks) {
    const number = track.discNumber || 1;
    const disc = discs.get(number) ?? { number, subtitle: null, tracks: [] };
    disc.subtitle ??= track.discSubtitle ?? null;
    disc.tracks.push(track);
    discs.set(number, disc);
  }
  return [...discs.values()].sort((a, b) => a.number - b.number);
}

export default function AlbumPage() {
  const { id = "" } = useParams<{ id: string }>();
  const { t, tp, longDuration } = useI18n();
  const player = usePlayer();
  const shuffled = usePlayerState((state) => state.queue.unshuffled !== null);
  // What was loaded, for which album: navigating to another album shows "loading" until it comes.
  const [loaded, setLoaded] = useState<{ id: string; album?: AlbumDetails; tracks?: AlbumTrack[]; error?: unknown } | null>(null);
  const [notice, setNotice] = useState("");

  useEffect(() => {
    let live = true;
    Promise.all([api.get<AlbumDetails>(`/api/albums/${id}`), allTracks(id)]).then(
      ([details, list]) => live && setLoaded({ id, album: details, tracks: list }),
      (problem: unknown) => live && setLoaded({ id, error: problem }),
    );
    return () => {
      live = false;
    };
  }, [id]);

  const current = loaded?.id === id ? loaded : null;
  const album = current?.album ?? null;
  const tracks = current?.tracks ?? null;
  const error = current?.error ?? null;
  usePageTitle(album?.title ?? "");
  const playable = useMemo(() => (tracks ?? []).filter((track) => !track.isMissing), [tracks]);
  const discs = useMemo(() => byDisc(tracks ?? []), [tracks]);
  const source: PlaySource = { context: "album", id };

  if (error) return <ErrorMessage error={error} />;
  if (!album || !tracks) return <Loading />;

  const cover = coverSrc(album.coverImage, 300);
  const large = coverSrc(album.coverImage, 500);
  const playFrom = (track: AlbumTrack) => player.playTracks(playable, Math.max(0, playable.indexOf(track)), source);
  const meta = [album.year, tp("album.tracks", album.songCount), longDuration(album.duration)].filter(Boolean).join(" · ");

  return (
    <article className="page album-page">
      <header className="album-hero">
        {cover && large ? (
          <img className="album-hero-cover" src={large} srcSet={`${cover} 300w, ${large} 500w`} sizes="(max-width: 48rem) 60vw, 240px" alt="" width={240} height={240} />
        ) : (
          <div className="album-hero-cover cover-placeholder" role="img" aria-label={t("album.noCover")}>
            <Icon name="disc" size={64} />
          </div>
        )}
        <div className="album-hero-text">
          {album.compilation && <p className="album-kind muted">{t("albumPage.compilation")}</p>}
          <h1>{album.title}</h1>
          <p className="album-hero-artist">
            <Link href={`/artists/${album.albumArtist?.id ?? album.artistId}`}>{album.albumArtist?.name ?? album.artist}</Link>
          </p>
          <p className="muted album-hero-meta">{meta}</p>
          <div className="album-actions">
            <button type="button" className="button primary" disabled={playable.length === 0} onClick={() => player.playTracks(playable, 0, source)}>
              <Icon name="play" />
              <span>{t("albumPage.playAlbum")}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={playable.length === 0}
              onClick={() => {
                if (!shuffled) player.toggleShuffle();
                player.playTracks(playable, Math.floor(Math.random() * playable.length), source);
              }}
            >
              <Icon name="shuffle" />
              <span>{t("albumPage.shuffle")}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={playable.length === 0}
              onClick={() => {
                player.playNext(playable, source);
                setNotice(t("albumPage.queuedNext"));
              }}
            >
              <Icon name="playNext" />
              <span>{t("albumPage.playAlbumNext")}</span>
            </button>
            <button
              type="button"
              className="button"
              disabled={playable.length === 0}
              onClick={() => {
                player.addToQueue(playable, source);
                setNotice(t("albumPage.added"));
              }}
            >
              <Icon name="queueAdd" />
              <span>{t("albumPage.addAlbum")}</span>
            </button>
          </div>
          <p className="muted album-notice" role="status">
            {notice}
          </p>
        </div>
      </header>

      <h2 className="visually-hidden">{t("albumPage.tracks")}</h2>
      {discs.map((disc) => (
        <section key={disc.number} className="album-disc" aria-label={discs.length > 1 ? t("albumPage.disc", { number: disc.number }) : undefined}>
          {discs.length > 1 && (
            <h3 className="disc-heading">
              <Icon name="disc" size={18} />
              <span>{disc.subtitle ? t("albumPage.discSubtitle", { number: disc.number, subtitle: disc.subtitle }) : t("albumPage.disc", { number: disc.number })}</span>
            </h3>
          )}
          <ol className="album-tracks">
            {disc.tracks.map((track) => (
              <AlbumTrackRow key={track.id} track={track} albumArtist={album.albumArtist?.name ?? album.artist} onPlay={() => playFrom(track)} source={source} onQueued={setNotice} />
            ))}
          </ol>
        </section>
      ))}
    </article>
  );
}

function AlbumTrackRow({ track, albumArtist, onPlay, source, onQueued }: { track: AlbumTrack; albumArtist: string; onPlay: () => void; source: PlaySource; onQueued: (text: string) => void }) {
  const { t, trackTime } = useI18n();
  const player = usePlayer();
  const playing = usePlayerState((state) => currentEntry(state.queue)?.track.id === track.id);
  return (
    <li className={["album-track", playing ? "playing" : "", track.isMissing ? "missing" : ""].filter(Boolean).join(" ")} aria-current={playing ? "true" : undefined} data-track-id={track.id}>
      <span className="album-track-number muted">{playing ? <Icon name="volume" size={16} /> : (track.trackNumber ?? "")}</span>
      <button type="button" className="album-track-play" disabled={track.isMissing} title={t("albumPage.trackPlay", { title: track.title })} onClick={onPlay}>
        <span className="album-track-title">{track.title}</span>
        {track.artistName !== albumArtist && <span className="album-track-artist muted">{track.artistName}</span>}
        {track.isMissing && <span className="badge">{t("albumPage.missing")}</span>}
      </button>
      <span className="album-track-duration muted">{trackTime(track.duration)}</span>
      <span className="album-track-actions">
        <button
          type="button"
          className="icon-button small"
          disabled={track.isMissing}
          aria-label={t("albumPage.trackNext", { title: track.title })}
          title={t("albumPage.trackNext", { title: track.title })}
          onClick={() => {
            player.playNext([track], source);
            onQueued(t("albumPage.queuedNext"));
          }}
        >
          <Icon name="playNext" size={16} />
        </button>
        <button
          type="button"
          className="icon-button small"
          disabled={track.isMissing}
          aria-label={t("albumPage.trackAdd", { title: track.title })}
          title={t("albumPage.trackAdd", { title: track.title })}
          onClick={() => {
            player.addToQueue([track], source);
            onQueued(t("albumPage.added"));
          }}
        >
          <Icon name="queueAdd" size={16} />
        </button>
      </span>
    </li>
  );
}
