/** The end of a growing list: loads the next page when it scrolls into view, or on its button. */
import { useEffect, useRef } from "react";
import { useI18n } from "../i18n/I18nProvider";
import type { PagedList } from "./usePagedList";

export function LoadMore({ list }: { list: PagedList<unknown> }) {
  const { t } = useI18n();
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasMore, loadMore, loading, items, total } = list;
  const shown = items.length;

  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasMore || loading || typeof IntersectionObserver === "undefined") return;
    // A new observer after each page reports at once whether the end is still in view.
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) loadMore();
    }, { rootMargin: "400px 0px" });
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasMore, loadMore, loading, shown]);

  if (loading) return null;
  return (
    <div className={hasMore ? "load-more" : undefined} ref={sentinel}>
      {total !== null && shown > 0 && hasMore && <p className="muted">{t("list.showing", { shown, total })}</p>}
      {hasMore && (
        <button type="button" className="button" disabled={list.loadingMore} onClick={loadMore}>
          {list.loadingMore ? t("app.loading") : t("list.loadMore")}
        </button>
      )}
    </div>
  );
}
