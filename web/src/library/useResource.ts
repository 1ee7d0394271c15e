/** One GET, refetched when its URL changes and when the library changes. */
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api";
import { useLibraryChanges } from "./useLibraryChanges";

export interface Resource<T> {
  data: T | null;
  error: unknown;
  reload: () => void;
}

/** `load` fetches the URL; `fresh` asks it to revalidate what the browser cached. */
export type Loader<T> = (url: string, fresh: boolean) => Promise<T>;

export function useResource<T>(url: string | null, load: Loader<T> = (path, fresh) => api.get<T>(path, fresh ? { cache: "no-cache" } : {})): Resource<T> {
  // Kept with the URL it answers, so a page never shows the previous URL's data.
  const [answered, setAnswered] = useState<{ url: string; data: T } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });

  const fetchIt = useCallback((fresh = false) => {
    const current = ++generation.current;
    if (!url) return;
    loader.current(url, fresh).then(
      (answer) => {
        if (current !== generation.current) return;
        setAnswered({ url, data: answer });
        setError(null);
      },
      (problem: unknown) => {
        if (current === generation.current) setError(problem);
      },
    );
  }, [url]);

  useEffect(() => {
    fetchIt();
  }, [fetchIt]);
  useLibraryChanges(() => fetchIt(true));

  return { data: answered && answered.url === url ? answered.data : null, error, reload: () => fetchIt(true) };
}
