/** The album orders of the albums page, each mapped to the endpoint that gives it (spec §2.5). */
import type { MessageKey } from "../i18n/en";
import type { ListSource } from "./paging";

export const ALBUM_SORTS = ["recent", "alphabetical", "artist", "recentlyPlayed", "topPlayed", "myTopPlayed", "favorites"] as const;
export type AlbumSort = (typeof ALBUM_SORTS)[number];

export const DEFAULT_ALBUM_SORT: AlbumSort = "recent";
const PAGE = 40;

const SOURCES: Record<AlbumSort, ListSource> = {
  recent: { path: "/api/albums", paging: "skip", size: PAGE },
  alphabetical: { path: "/api/albums/alphabetical", paging: "page", size: PAGE },
  artist: { path: "/api/albums/by-artist", paging: "page", size: PAGE },
  // The ranked lists are not paged: one answer of up to 50 (top played) or 100 albums.
  recentlyPlayed: { path: "/api/albums/recently-played", paging: "list", size: 100, sizeParam: "limit" },
  topPlayed: { path: "/api/albums/top-played", paging: "list", size: 50, sizeParam: "take" },
  myTopPlayed: { path: "/api/albums/top-played/me", paging: "list", size: 50, sizeParam: "take" },
  favorites: { path: "/api/albums/favorites", paging: "page", size: PAGE },
};

export function albumSortSource(sort: AlbumSort): ListSource {
  return SOURCES[sort];
}

export function albumSortLabel(sort: AlbumSort): MessageKey {
  return `albums.sort.${sort}`;
}

/** The sort named in the URL (`?sort=`), or the default for a missing or unknown one. */
export function parseAlbumSort(value: string | null | undefined): AlbumSort {
  return ALBUM_SORTS.find((sort) => sort === value) ?? DEFAULT_ALBUM_SORT;
}

export const GENRE_SORTS = ["trackCount", "albumCount", "name"] as const;
export type GenreSort = (typeof GENRE_SORTS)[number];

/** GET /api/genres for a sort: names A→Z, counts highest first. */
export function genreListPath(sort: GenreSort): string {
  return `/api/genres?sort=${sort}&order=${sort === "name" ? "asc" : "desc"}`;
}

export function parseGenreSort(value: string | null | undefined): GenreSort {
  return GENRE_SORTS.find((sort) => sort === value) ?? "trackCount";
}

/** The orders of a genre's albums and tracks; the server orders titles A→Z, years and plays
 * highest first. */
export const GENRE_ALBUM_SORTS = ["releaseYear", "title", "playCount"] as const;
export const GENRE_TRACK_SORTS = ["playCount", "title", "releaseYear"] as const;
export type GenreItemSort = (typeof GENRE_ALBUM_SORTS)[number];

export function genreItemsPath(genreId: string, kind: "albums" | "tracks", sort: GenreItemSort): string {
  return `/api/genres/${genreId}/${kind}?sort=${sort}`;
}
