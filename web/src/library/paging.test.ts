import { describe, expect, it } from "vitest";
import { EMPTY, mergePage, nextPageUrl, readPage, type ListSource } from "./paging";

const skip: ListSource = { path: "/api/albums", paging: "skip", size: 20 };
const numbered: ListSource = { path: "/api/albums/alphabetical", paging: "page", size: 20 };
const list: ListSource = { path: "/api/albums/top-played", paging: "list", size: 50, sizeParam: "take" };
const items = (...ids: string[]) => ids.map((id) => ({ id }));

describe("nextPageUrl", () => {
  it("asks offset pages from the number of items shown", () => {
    expect(nextPageUrl(skip, 0)).toBe("/api/albums?skip=0&take=20");
    expect(nextPageUrl(skip, 40)).toBe("/api/albums?skip=40&take=20");
  });

  it("asks numbered pages from 1, and the page holding the next item after a partial page", () => {
    expect(nextPageUrl(numbered, 0)).toBe("/api/albums/alphabetical?page=1&limit=20");
    expect(nextPageUrl(numbered, 20)).toBe("/api/albums/alphabetical?page=2&limit=20");
    expect(nextPageUrl(numbered, 25)).toBe("/api/albums/alphabetical?page=2&limit=20");
  });

  it("asks a plain list once with its length parameter, after a fixed query", () => {
    expect(nextPageUrl(list, 0)).toBe("/api/albums/top-played?take=50");
    const recent: ListSource = { path: "/api/albums/recently-played", paging: "list", size: 100, sizeParam: "limit" };
    expect(nextPageUrl(recent, 0)).toBe("/api/albums/recently-played?limit=100");
    expect(nextPageUrl({ ...skip, path: "/api/genres?sort=name" }, 0)).toBe("/api/genres?sort=name&skip=0&take=20");
  });
});

describe("readPage", () => {
  it("reads an envelope's items, total and hasMore", () => {
    expect(readPage(skip, { data: items("a"), total: 5, hasMore: true })).toEqual({ items: items("a"), total: 5, hasMore: true });
  });

  it("reads a bare array and a {data} list as complete", () => {
    expect(readPage(list, items("a", "b"))).toEqual({ items: items("a", "b"), total: 2, hasMore: false });
    expect(readPage(list, { data: items("a") })).toEqual({ items: items("a"), total: 1, hasMore: false });
  });
});

describe("mergePage", () => {
  it("appends a page to what is shown", () => {
    const first = mergePage(EMPTY, { items: items("a", "b"), total: 4, hasMore: true });
    const second = mergePage(first, { items: items("c", "d"), total: 4, hasMore: false });
    expect(second).toEqual({ items: items("a", "b", "c", "d"), total: 4, hasMore: false });
  });

  it("drops items already shown, as when the list shifted between two requests", () => {
    const shown = { items: items("a", "b"), total: 5, hasMore: true };
    expect(mergePage(shown, { items: items("b", "c"), total: 5, hasMore: true }).items).toEqual(items("a", "b", "c"));
  });

  it("stops asking when a page brings nothing new", () => {
    const shown = { items: items("a", "b"), total: 2, hasMore: true };
    expect(mergePage(shown, { items: items("a", "b"), total: 2, hasMore: true }).hasMore).toBe(false);
    expect(mergePage(shown, { items: [], total: 2, hasMore: true }).hasMore).toBe(false);
  });

  it("keeps the known total when a page does not say it", () => {
    const shown = { items: items("a"), total: 3, hasMore: true };
    expect(mergePage(shown, { items: items("b"), total: null, hasMore: true }).total).toBe(3);
  });
});
