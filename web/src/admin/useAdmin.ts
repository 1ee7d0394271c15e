/** Small helpers shared by the admin tabs. */
import { useCallback, useEffect, useState } from "react";
import { ApiError } from "../api";

/** A GET that can be reloaded; `fresh` revalidates what the browser cached. */
export function useLoad<T>(load: (fresh: boolean) => Promise<T>): {
  data: T | null;
  error: unknown;
  reload: () => Promise<void>;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(
    (fresh: boolean) =>
      load(fresh).then(
        (value) => {
          setData(value);
          setError(null);
        },
        (problem: unknown) => setError(problem),
      ),
    [load],
  );
  useEffect(() => {
    void run(false);
  }, [run]);
  return { data, error, reload: () => run(true) };
}

/** The server's message for an ApiError, else null (the caller shows a generic one). */
export function messageOf(error: unknown): string | null {
  return error instanceof ApiError ? error.message : null;
}
