import { describe, expect, it } from "vitest";
import { en } from "../i18n/en";
import { nextPageUrl } from "./paging";
import { ALBUM_SORTS, albumSortLabel, albumSortSource, GENRE_ALBUM_SORTS, GENRE_TRACK_SORTS, genreItemsPath, genreListPath, parseAlbumSort, parseGenreSort } from "./sorts";

describe("album sorts", () => {
  it("maps each sort to the endpoint that orders albums that way", () => {
    expect(nextPageUrl(albumSortSource("recent"), 0)).toBe("/api/albums?skip=0&take=40");
    expect(nextPageUrl(albumSortSource("alphabetical"), 40)).toBe("/api/albums/alphabetical?page=2&limit=40");
    expect(nextPageUrl(albumSortSource("artist"), 0)).toBe("/api/albums/by-artist?page=1&limit=40");
    expect(nextPageUrl(albumSortSource("recentlyPlayed"), 0)).toBe("/api/albums/recently-played?limit=100");
    expect(nextPageUrl(albumSortSource("topPlayed"), 0)).toBe("/api/albums/top-played?take=50");
    expect(nextPageUrl(albumSortSource("myTopPlayed"), 0)).toBe("/api/albums/top-played/me?take=50");
    expect(nextPageUrl(albumSortSource("favorites"), 0)).toBe("/api/albums/favorites?page=1&limit=40");
  });

  it("has a label for every sort", () => {
    for (const sort of ALBUM_SORTS) expect(en[albumSortLabel(sort)]).toBeTruthy();
  });

  it("reads the sort from the URL, falling back to recently added", () => {
    expect(parseAlbumSort("alphabetical")).toBe("alphabetical");
    expect(parseAlbumSort("bogus")).toBe("recent");
    expect(parseAlbumSort(null)).toBe("recent");
  });
});

describe("genre sorts", () => {
  it("orders names A to Z and counts highest first", () => {
    expect(genreListPath("name")).toBe("/api/genres?sort=name&order=asc");
    expect(genreListPath("trackCount")).toBe("/api/genres?sort=trackCount&order=desc");
    expect(parseGenreSort("albumCount")).toBe("albumCount");
    expect(parseGenreSort("x")).toBe("trackCount");
  });
});

describe("a genre's albums and tracks", () => {
  it("are asked in the chosen order, each list by default in its own", () => {
    expect(genreItemsPath("g1", "albums", GENRE_ALBUM_SORTS[0])).toBe("/api/genres/g1/albums?sort=releaseYear");
    expect(genreItemsPath("g1", "tracks", GENRE_TRACK_SORTS[0])).toBe("/api/genres/g1/tracks?sort=playCount");
    expect(nextPageUrl({ path: genreItemsPath("g1", "tracks", "title"), paging: "skip", size: 50 }, 50)).toBe("/api/genres/g1/tracks?sort=title&skip=50&take=50");
  });
});
