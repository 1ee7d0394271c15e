/**
 * Paging over the API's three list shapes: offset pages (`?skip=&take=` → {data,total,hasMore}),
 * numbered pages (`?page=&limit=` → {data,total,page,totalPages,hasMore}) and plain lists (one
 * answer, no more). Lists grow page by page ("load more" / infinite scroll); these functions say
 * which URL comes next and how an answer merges into what is already shown.
 */

export type PagingStyle = "skip" | "page" | "list";

/** Where a list comes from: the path (with any fixed query) and how it is paged. */
export interface ListSource {
  path: string;
  paging: PagingStyle;
  /** Items asked for per request (the API's maximum is 100; plain lists take one request). */
  size: number;
  /** The parameter a plain list's length goes in (`take` or `limit`). */
  sizeParam?: "take" | "limit";
}

/** What is shown so far. */
export interface Loaded<T> {
  items: T[];
  total: number | null;
  hasMore: boolean;
}

export const EMPTY: Loaded<never> = { items: [], total: null, hasMore: true };

function withParams(path: string, params: Record<string, number>): string {
  const query = Object.entries(params)
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  return `${path}${path.includes("?") ? "&" : "?"}${query}`;
}

/** The URL of the page after the first `loaded` items. */
export function nextPageUrl(source: ListSource, loaded: number): string {
  switch (source.paging) {
    case "skip":
      return withParams(source.path, { skip: loaded, take: source.size });
    case "page":
      // Pages are fixed windows: after a partial page (the list grew meanwhile) ask for the page
      // holding the next item; the merge drops what is already shown.
      return withParams(source.path, { page: Math.floor(loaded / source.size) + 1, limit: source.size });
    case "list":
      return withParams(source.path, { [source.sizeParam ?? "take"]: source.size });
  }
}

interface Envelope<T> {
  data: T[];
  total?: number;
  hasMore?: boolean;
}

/** The items, total and "more to come" of any of the three answer shapes. */
export function readPage<T>(source: ListSource, body: T[] | Envelope<T>): Loaded<T> {
  if (Array.isArray(body)) return { items: body, total: body.length, hasMore: false };
  const total = typeof body.total === "number" ? body.total : null;
  const hasMore = source.paging === "list" ? false : (body.hasMore ?? false);
  return { items: body.data, total: total ?? (hasMore ? null : body.data.length), hasMore };
}

/** `page` appended to `shown`, without repeating an item already shown (same id). */
export function mergePage<T extends { id: string }>(shown: Loaded<T>, page: Loaded<T>): Loaded<T> {
  const seen = new Set(shown.items.map((item) => item.id));
  const fresh = page.items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
  // A page that brings nothing new cannot advance the list: stop rather than ask forever.
  return { items: [...shown.items, ...fresh], total: page.total ?? shown.total, hasMore: page.hasMore && fresh.length > 0 };
}
