/** /favorites: the caller's starred albums, artists and tracks, last starred first. */
import { api, type Album, type Favorite, type SkipPage, type Track } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { ArtistGrid, type ArtistSummary } from "./ArtistGrid";
import { fetchTracks } from "./fetchTracks";
import { LoadMore } from "./LoadMore";
import type { ListSource } from "./paging";
import { StarButton } from "./StarButton";
import { PlayAllButton, TrackList } from "./TrackList";
import { usePagedList } from "./usePagedList";
import { useResource } from "./useResource";
import "./library.css";

const ALBUMS: ListSource = { path: "/api/albums/favorites", paging: "page", size: 40 };
const MAX = 100;

async function starredTracks(url: string): Promise<Track[]> {
  const page = await api.get<SkipPage<Favorite>>(url);
  return fetchTracks(page.data.map((favorite) => favorite.itemId));
}

async function starredArtists(url: string): Promise<ArtistSummary[]> {
  const page = await api.get<SkipPage<Favorite>>(url);
  // The favourites list names the artist; its counts come with the artist itself.
  const artists = await Promise.all(page.data.map((favorite) => api.get<ArtistSummary>(`/api/artists/${favorite.itemId}`).catch(() => null)));
  return artists.filter((artist): artist is ArtistSummary => artist !== null);
}

export default function FavoritesPage() {
  const { t } = useI18n();
  usePageTitle(t("favorites.title"));
  const albums = usePagedList<Album>(ALBUMS);
  const artists = useResource(`/api/interactions/favorites?itemType=artist&take=${MAX}`, starredArtists);
  const tracks = useResource(`/api/interactions/favorites?itemType=track&take=${MAX}`, starredTracks);
  const source = { context: "direct" as const };

  const loading = albums.loading || !artists.data || !tracks.data;
  const empty = !loading && albums.items.length === 0 && artists.data?.length === 0 && tracks.data?.length === 0;
  return (
    <section className="page">
      <h1>{t("favorites.title")}</h1>
      <ErrorMessage error={albums.error ?? artists.error ?? tracks.error} />
      {loading && !(albums.error ?? artists.error ?? tracks.error) && <Loading />}
      {empty && <p className="empty">{t("favorites.empty")}</p>}

      {tracks.data && tracks.data.length > 0 && (
        <>
          <div className="section-header">
            <h2>{t("favorites.tracks")}</h2>
            <PlayAllButton tracks={tracks.data} source={source} />
          </div>
          <TrackList
            tracks={tracks.data}
            source={source}
            label={t("favorites.tracks")}
            extra={(track) => <StarButton itemType="track" itemId={track.id} name={track.title} starred onChange={() => tracks.reload()} />}
          />
        </>
      )}
      {albums.items.length > 0 && (
        <>
          <h2>{t("favorites.albums")}</h2>
          <AlbumGrid albums={albums.items} label={t("favorites.albums")} />
          <LoadMore list={albums} />
        </>
      )}
      {artists.data && artists.data.length > 0 && (
        <>
          <h2>{t("favorites.artists")}</h2>
          <ArtistGrid artists={artists.data} label={t("favorites.artists")} />
        </>
      )}
    </section>
  );
}
