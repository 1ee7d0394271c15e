/** /albums: every album in a growing grid, in one of the orders the API offers (?sort=). */
import { useLocation, useSearch } from "wouter";
import type { Album } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { LoadMore } from "./LoadMore";
import { SortSelect } from "./SortSelect";
import { ALBUM_SORTS, albumSortLabel, albumSortSource, DEFAULT_ALBUM_SORT, parseAlbumSort } from "./sorts";
import { usePagedList } from "./usePagedList";
import "./library.css";

export default function AlbumsPage() {
  const { t } = useI18n();
  usePageTitle(t("albums.title"));
  const [, navigate] = useLocation();
  const sort = parseAlbumSort(new URLSearchParams(useSearch()).get("sort"));
  const list = usePagedList<Album>(albumSortSource(sort));

  return (
    <section className="page">
      <header className="page-header">
        <h1>{t("albums.title")}</h1>
        <SortSelect
          value={sort}
          options={ALBUM_SORTS}
          label={albumSortLabel}
          onChange={(next) => navigate(next === DEFAULT_ALBUM_SORT ? "/albums" : `/albums?sort=${next}`, { replace: true })}
        />
      </header>
      <ErrorMessage error={list.error} />
      {list.loading ? (
        <Loading />
      ) : list.items.length === 0 ? (
        !list.error && <p className="empty">{t("albums.empty")}</p>
      ) : (
        <AlbumGrid albums={list.items} label={t("albums.title")} />
      )}
      <LoadMore list={list} />
    </section>
  );
}
