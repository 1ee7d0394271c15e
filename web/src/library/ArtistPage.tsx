/** /artists/:id: the artist, their popular tracks (by everyone's plays), albums and related artists. */
import { useMemo } from "react";
import { useParams } from "wouter";
import { api, type Album, type Artist, type ArtistStats, type ArtistTopTracks, type RelatedArtists, type Track } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { ArtistAvatar, ArtistGrid } from "./ArtistGrid";
import { fetchTracks } from "./fetchTracks";
import { LoadMore } from "./LoadMore";
import type { ListSource } from "./paging";
import { RatingControl } from "./RatingControl";
import { StarButton } from "./StarButton";
import { PlayAllButton, TrackList } from "./TrackList";
import { usePagedList } from "./usePagedList";
import { useResource } from "./useResource";
import "./library.css";

const TOP_TRACKS = 10;

async function loadTopTracks(url: string): Promise<Track[]> {
  const top = await api.get<ArtistTopTracks>(url);
  return fetchTracks(top.data.map((entry) => entry.trackId));
}

export default function ArtistPage() {
  const { id = "" } = useParams<{ id: string }>();
  const { t, tp } = useI18n();
  const artist = useResource<Artist>(`/api/artists/${id}`);
  usePageTitle(artist.data?.name ?? t("artists.title"));
  const stats = useResource<ArtistStats>(`/api/artists/${id}/stats`);
  const topTracks = useResource<Track[]>(`/api/artists/${id}/top-tracks?limit=${TOP_TRACKS}`, loadTopTracks);
  const related = useResource<RelatedArtists>(`/api/artists/${id}/related?limit=12`);
  const albumsSource = useMemo<ListSource>(() => ({ path: `/api/artists/${id}/albums`, paging: "skip", size: 50 }), [id]);
  const albums = usePagedList<Album>(albumsSource);

  if (artist.error) return <section className="page"><ErrorMessage error={artist.error} /></section>;
  if (!artist.data) return <Loading />;
  const data = artist.data;
  const source = { context: "artist" as const, id: data.id };
  const plays = stats.data?.totalPlays ?? 0;

  return (
    <section className="page">
      <header className="hero">
        <ArtistAvatar artist={data} size="large" />
        <div className="hero-text">
          <h1>{data.name}</h1>
          <p className="muted">
            {[tp("artist.albums", data.albumCount), tp("album.tracks", data.songCount), plays > 0 ? tp("artist.plays", plays) : null].filter(Boolean).join(" · ")}
          </p>
          <div className="hero-actions">
            {topTracks.data && topTracks.data.length > 0 && <PlayAllButton tracks={topTracks.data} source={source} />}
            <StarButton itemType="artist" itemId={data.id} name={data.name} />
          </div>
          <RatingControl itemType="artist" itemId={data.id} />
        </div>
      </header>
      {data.biography && <p className="biography">{data.biography}</p>}

      {topTracks.data && topTracks.data.length > 0 && (
        <>
          <h2>{t("artist.topTracks")}</h2>
          <TrackList tracks={topTracks.data} source={source} label={t("artist.topTracks")} />
        </>
      )}

      <h2>{t("artist.albumsHeading")}</h2>
      <ErrorMessage error={albums.error} />
      {albums.loading ? (
        <Loading />
      ) : albums.items.length === 0 ? (
        !albums.error && <p className="muted">{t("artist.noAlbums")}</p>
      ) : (
        <AlbumGrid albums={albums.items} label={t("artist.albumsHeading")} />
      )}
      <LoadMore list={albums} />

      {related.data && related.data.data.length > 0 && (
        <>
          <h2>{t("artist.related")}</h2>
          <ArtistGrid artists={related.data.data} label={t("artist.related")} />
        </>
      )}
    </section>
  );
}
