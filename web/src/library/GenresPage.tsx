/** /genres: the genres that have tracks, by size or name (?sort=). */
import { useLocation, useSearch } from "wouter";
import type { Genre } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { GenreGrid } from "./GenreGrid";
import { LoadMore } from "./LoadMore";
import { SortSelect } from "./SortSelect";
import { GENRE_SORTS, genreListPath, parseGenreSort } from "./sorts";
import { usePagedList } from "./usePagedList";
import "./library.css";

export default function GenresPage() {
  const { t } = useI18n();
  usePageTitle(t("genres.title"));
  const [, navigate] = useLocation();
  const sort = parseGenreSort(new URLSearchParams(useSearch()).get("sort"));
  const list = usePagedList<Genre>({ path: genreListPath(sort), paging: "skip", size: 60 });

  return (
    <section className="page">
      <header className="page-header">
        <h1>{t("genres.title")}</h1>
        <SortSelect
          value={sort}
          options={GENRE_SORTS}
          label={(option) => `genres.sort.${option}`}
          onChange={(next) => navigate(next === "trackCount" ? "/genres" : `/genres?sort=${next}`, { replace: true })}
        />
      </header>
      <ErrorMessage error={list.error} />
      {list.loading ? <Loading /> : list.items.length === 0 ? !list.error && <p className="empty">{t("genres.empty")}</p> : <GenreGrid genres={list.items} />}
      <LoadMore list={list} />
    </section>
  );
}
