/** /artists: every artist with songs, page by page. */
import type { Artist } from "../api";
import { ErrorMessage, Loading } from "../components/Status";
import { usePageTitle } from "../components/usePageTitle";
import { useI18n } from "../i18n/I18nProvider";
import { ArtistGrid } from "./ArtistGrid";
import { LoadMore } from "./LoadMore";
import type { ListSource } from "./paging";
import { usePagedList } from "./usePagedList";
import "./library.css";

const ARTISTS: ListSource = { path: "/api/artists", paging: "skip", size: 60 };

export default function ArtistsPage() {
  const { t } = useI18n();
  usePageTitle(t("artists.title"));
  const list = usePagedList<Artist>(ARTISTS);
  return (
    <section className="page">
      <header className="page-header">
        <h1>{t("artists.title")}</h1>
      </header>
      <ErrorMessage error={list.error} />
      {list.loading ? (
        <Loading />
      ) : list.items.length === 0 ? (
        !list.error && <p className="empty">{t("artists.empty")}</p>
      ) : (
        <ArtistGrid artists={list.items} label={t("artists.title")} />
      )}
      <LoadMore list={list} />
    </section>
  );
}
