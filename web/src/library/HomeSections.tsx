/** Home's listening sections: albums the user played lately, the ones they play most, and their
 * top tracks. Each shows only once it has something. */
import { api, type Album, type Track } from "../api";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { fetchTracks } from "./fetchTracks";
import { TrackList } from "./TrackList";
import { useResource } from "./useResource";
import "./library.css";

const COUNT = 12;
const TOP_TRACKS = 10;

async function topTracks(url: string): Promise<Track[]> {
  const ranked = await api.get<{ trackId: string }[]>(url);
  return fetchTracks(ranked.map((entry) => entry.trackId));
}

export default function HomeSections() {
  const { t } = useI18n();
  const recent = useResource<{ data: Album[] }>(`/api/albums/recently-played?limit=${COUNT}`);
  const top = useResource<Album[]>(`/api/albums/top-played/me?take=${COUNT}`);
  const tracks = useResource(`/api/play-tracking/top-tracks?limit=${TOP_TRACKS}`, topTracks);
  return (
    <>
      {recent.data && recent.data.data.length > 0 && (
        <>
          <h2>{t("home.recentlyPlayed")}</h2>
          <AlbumGrid albums={recent.data.data} label={t("home.recentlyPlayed")} />
        </>
      )}
      {top.data && top.data.length > 0 && (
        <>
          <h2>{t("home.mostPlayed")}</h2>
          <AlbumGrid albums={top.data} label={t("home.mostPlayed")} />
        </>
      )}
      {tracks.data && tracks.data.length > 0 && (
        <>
          <h2>{t("home.topTracks")}</h2>
          <TrackList tracks={tracks.data} source={{ context: "direct" }} label={t("home.topTracks")} />
        </>
      )}
    </>
  );
}
