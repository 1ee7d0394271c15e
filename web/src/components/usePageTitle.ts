/** The browser tab's title for the current page ("Albums · Echo"), read first by screen readers. */
import { useEffect } from "react";

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · Echo` : "Echo";
  }, [title]);
}
