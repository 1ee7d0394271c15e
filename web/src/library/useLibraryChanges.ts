/** Refetching when the library changes: the /scanner namespace's `library:change` (admins only). */
import { useEffect, useRef } from "react";
import { useAuth } from "../auth/AuthProvider";
import { onScannerEvent } from "../realtime/scanner";

export function useLibraryChanges(refetch: () => void): void {
  const { user } = useAuth();
  const latest = useRef(refetch);
  useEffect(() => {
    latest.current = refetch;
  });
  useEffect(() => {
    // The namespace only admits administrators; other users see changes on their next visit.
    if (!user?.isAdmin) return;
    return onScannerEvent("library:change", () => latest.current());
  }, [user?.isAdmin]);
}
