/** A list that grows page by page from one of the API's list shapes, refetched on library changes. */
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import { EMPTY, mergePage, nextPageUrl, readPage, type ListSource, type Loaded } from "./paging";
import { useLibraryChanges } from "./useLibraryChanges";

export interface PagedList<T> extends Loaded<T> {
  /** True until the first page of the current source has arrived. */
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  loadMore: () => void;
  reload: () => void;
}

type Answer<T> = T[] | { data: T[]; total?: number; hasMore?: boolean };

/** What is shown, with the source it came from. */
interface Snapshot<T> {
  key: string;
  loaded: Loaded<T>;
  error: unknown;
}

const DONE: Loaded<never> = { items: [], total: 0, hasMore: false };

function sourceKey(source: ListSource | null): string | null {
  return source ? `${source.path}|${source.paging}|${source.size}|${source.sizeParam ?? ""}` : null;
}

/** `source` null shows nothing (e.g. no query yet); a new source starts again from the first page. */
export function usePagedList<T extends { id: string }>(source: ListSource | null): PagedList<T> {
  const [snapshot, setSnapshot] = useState<Snapshot<T> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const key = sourceKey(source);
  const latest = useRef({ source, snapshot });
  useEffect(() => {
    latest.current = { source, snapshot };
  });
  // Answers for an older source or an older refetch are dropped.
  const generation = useRef(0);
  const busy = useRef(false);
  // After a library change the browser's cached pages (the server lets it keep lists briefly)
  // are stale: later requests revalidate.
  const revalidate = useRef(false);

  const fetchFirst = useCallback((fresh = false) => {
    if (fresh) revalidate.current = true;
    const { source: from } = latest.current;
    const requestKey = sourceKey(from);
    if (!from || !requestKey) return;
    const current = ++generation.current;
    busy.current = true;
    api.get<Answer<T>>(nextPageUrl(from, 0), revalidate.current ? { cache: "no-cache" } : {}).then(
      (body) => {
        if (current !== generation.current) return;
        busy.current = false;
        setSnapshot({ key: requestKey, loaded: mergePage<T>(EMPTY, readPage(from, body)), error: null });
      },
      (problem: unknown) => {
        if (current !== generation.current) return;
        busy.current = false;
        setSnapshot({ key: requestKey, loaded: DONE, error: problem });
      },
    );
  }, []);

  useEffect(() => {
    fetchFirst();
  }, [key, fetchFirst]);

  useLibraryChanges(() => fetchFirst(true));

  const loadMore = useCallback(() => {
    const { source: from, snapshot: shown } = latest.current;
    if (!from || !shown || shown.key !== sourceKey(from) || busy.current || !shown.loaded.hasMore) return;
    const current = generation.current;
    busy.current = true;
    setLoadingMore(true);
    api.get<Answer<T>>(nextPageUrl(from, shown.loaded.items.length), revalidate.current ? { cache: "no-cache" } : {}).then(
      (body) => {
        busy.current = false;
        setLoadingMore(false);
        if (current !== generation.current) return;
        setSnapshot({ key: shown.key, loaded: mergePage(shown.loaded, readPage(from, body)), error: null });
      },
      (problem: unknown) => {
        busy.current = false;
        setLoadingMore(false);
        if (current !== generation.current) return;
        setSnapshot({ ...shown, error: problem });
      },
    );
  }, []);

  const current = snapshot && snapshot.key === key ? snapshot : null;
  const loaded = current ? current.loaded : key ? EMPTY : DONE;
  return {
    ...loaded,
    loading: key !== null && current === null,
    loadingMore,
    error: current?.error ?? null,
    loadMore,
    reload: () => fetchFirst(true),
  };
}
