/**
 * /search?q=: the best artists, albums and tracks for the query (accent- and case-insensitive,
 * GET /api/search), each group growing through its own search endpoint on "Load more".
 */
import { useEffect, useMemo, useState, type ReactNode } from "react";
import { useSearch } from "wouter";
import type { Album, Artist, SearchResults, Track } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { AlbumGrid } from "./AlbumGrid";
import { ArtistGrid } from "./ArtistGrid";
import { searchableQuery } from "./debounce";
import { LoadMore } from "./LoadMore";
import type { ListSource } from "./paging";
import { TrackList } from "./TrackList";
import { usePagedList } from "./usePagedList";
import { useResource } from "./useResource";
import "./library.css";

const FIRST = 20;

export default function SearchPage() {
  const { t } = useI18n();
  const text = new URLSearchParams(useSearch()).get("q") ?? "";
  const query = searchableQuery(text);
  usePageTitle(query ? t("search.results", { query }) : t("search.title"));
  const results = useResource<SearchResults>(query ? `/api/search?q=${encodeURIComponent(query)}&limit=${FIRST}` : null);

  // With nothing to search for yet, the field is where the user wants to be.
  useEffect(() => {
    if (!query) document.getElementById("global-search")?.focus();
  }, [query]);

  const data = results.data;
  const nothing = data && data.artists.total + data.albums.total + data.tracks.total === 0;
  return (
    <section className="page">
      <h1>{query ? t("search.results", { query }) : t("search.title")}</h1>
      {!query ? (
        <p className="muted">{t("search.hint")}</p>
      ) : results.error ? (
        <ErrorMessage error={results.error} />
      ) : !data ? (
        <Loading />
      ) : nothing ? (
        <p className="empty">{t("search.none", { query })}</p>
      ) : (
        <>
          {data.artists.total > 0 && (
            <Group<Artist> key={`artists-${query}`} title={t("search.artists")} first={data.artists} path={`/api/artists/search/${encodeURIComponent(query)}`} query={query}>
              {(artists) => <ArtistGrid artists={artists} label={t("search.artists")} />}
            </Group>
          )}
          {data.albums.total > 0 && (
            <Group<Album> key={`albums-${query}`} title={t("search.albums")} first={data.albums} path={`/api/albums/search/${encodeURIComponent(query)}`} query={query}>
              {(albums) => <AlbumGrid albums={albums} label={t("search.albums")} />}
            </Group>
          )}
          {data.tracks.total > 0 && (
            <Group<Track> key={`tracks-${query}`} title={t("search.tracks")} first={data.tracks} path={`/api/tracks/search/${encodeURIComponent(query)}`} query={query}>
              {(tracks) => <TrackList tracks={tracks} source={{ context: "search" }} label={t("search.tracks")} />}
            </Group>
          )}
        </>
      )}
    </section>
  );
}

interface GroupProps<T> {
  title: string;
  first: { data: T[]; total: number };
  path: string;
  query: string;
  children: (items: readonly T[]) => ReactNode;
}

/** One kind of result: the combined search's first matches, then all of them page by page. */
function Group<T extends { id: string }>({ title, first, path, query, children }: GroupProps<T>) {
  const { t } = useI18n();
  const [expanded, setExpanded] = useState(false);
  const source = useMemo<ListSource | null>(() => (expanded ? { path, paging: "skip", size: 50 } : null), [expanded, path]);
  const more = usePagedList<T>(source);
  // A "/" cannot travel in the per-kind endpoints' path: such queries keep the first matches.
  const canGrow = first.total > first.data.length && !query.includes("/");
  const items = expanded && !more.loading ? more.items : first.data;

  return (
    <section className="search-group" aria-label={title}>
      <h2>
        {title} <span className="muted count">{first.total}</span>
      </h2>
      {children(items)}
      {expanded ? (
        <>
          <ErrorMessage error={more.error} />
          <LoadMore list={more} />
        </>
      ) : (
        canGrow && (
          <div className="load-more">
            <p className="muted">{t("list.showing", { shown: first.data.length, total: first.total })}</p>
            <button type="button" className="button" onClick={() => setExpanded(true)}>
              {t("list.loadMore")}
            </button>
          </div>
        )
      )}
    </section>
  );
}
