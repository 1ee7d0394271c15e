/**
 * The top bar's search field (id "global-search", which the "/" shortcut focuses). Typing shows
 * the results page for the query once the user pauses; Enter shows it at once.
 */
import { useEffect, useMemo, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";
import { debounce } from "./debounce";
import "./search-box.css";

export const SEARCH_PATH = "/search";
const TYPING_PAUSE_MS = 300;

export function searchUrl(query: string): string {
  return query ? `${SEARCH_PATH}?q=${encodeURIComponent(query)}` : SEARCH_PATH;
}

export function SearchBox() {
  const { t } = useI18n();
  const [location, navigate] = useLocation();
  const search = useSearch();
  const onSearchPage = location === SEARCH_PATH;
  const urlQuery = onSearchPage ? (new URLSearchParams(search).get("q") ?? "") : "";

  const [text, setText] = useState(urlQuery);
  const [sent, setSent] = useState(urlQuery);
  // The URL changed by other means (a link, back, leaving the page): show its query.
  const [seen, setSeen] = useState(urlQuery);
  if (urlQuery !== seen) {
    setSeen(urlQuery);
    if (urlQuery !== sent) {
      setText(urlQuery);
      setSent(urlQuery);
    }
  }

  const show = useMemo(
    () =>
      debounce((query: string, replace: boolean) => {
        setSent(query);
        navigate(searchUrl(query), { replace });
      }, TYPING_PAUSE_MS),
    [navigate],
  );
  useEffect(() => () => show.cancel(), [show]);

  function change(value: string) {
    setText(value);
    // Each keystroke on the results page replaces its history entry; the first one adds it.
    show(value.trim(), onSearchPage);
  }

  return (
    <form
      className="search-box"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        show.cancel();
        setSent(text.trim());
        navigate(searchUrl(text.trim()), { replace: onSearchPage });
      }}
    >
      <Icon name="search" />
      <input
        id="global-search"
        type="search"
        value={text}
        placeholder={t("search.placeholder")}
        aria-label={t("search.label")}
        autoComplete="off"
        spellCheck={false}
        onChange={(event) => change(event.target.value)}
      />
    </form>
  );
}
