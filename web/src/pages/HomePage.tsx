/** /home: a greeting and the recently added albums; an administrator can start the first scan here. */
import { useCallback, useEffect, useState } from "react";
import { api, type Album } from "../api";
import { useAuth } from "../auth/AuthProvider";
import { AlbumCard } from "../components/AlbumCard";
import { Icon } from "../components/Icon";
import { ErrorMessage, Loading } from "../components/Status";
import { useI18n } from "../i18n/I18nProvider";
import HomeSections from "../library/HomeSections";
import { onScannerEvent } from "../realtime/scanner";
import { usePageTitle } from "../components/usePageTitle";

export default function HomePage() {
  const { t } = useI18n();
  usePageTitle(t("home.title"));
  const { user } = useAuth();
  const [albums, setAlbums] = useState<Album[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scanning, setScanning] = useState(false);

  // After a library change the browser's cached answer is stale: ask the server again.
  const load = useCallback(
    (fresh = false) =>
      api.get<Album[]>("/api/albums/recent?take=12", fresh ? { cache: "no-cache" } : {}).then((answer) => {
        setAlbums(answer);
        setError(null);
      }, setError),
    [],
  );

  useEffect(() => {
    void load();
  }, [load]);

  // Administrators follow the scanner: the list refreshes when the library changes.
  useEffect(() => {
    if (!user?.isAdmin) return;
    const stops = [
      onScannerEvent("library:change", () => void load(true)),
      // A scan may end before the socket is up (or while it reconnects): look again on connect.
      onScannerEvent("connect", () => void load(true)),
      onScannerEvent("scan:completed", () => {
        setScanning(false);
        void load(true);
      }),
    ];
    return () => stops.forEach((stop) => stop());
  }, [user?.isAdmin, load]);

  async function scan() {
    setScanning(true);
    try {
      await api.post("/api/scanner/start", {});
    } catch (problem) {
      setError(problem);
      setScanning(false);
    }
  }

  return (
    <section className="page">
      <h1>{t("home.greeting", { name: user?.name || user?.username || "" })}</h1>
      <h2>{t("home.recentAlbums")}</h2>
      <ErrorMessage error={error} />
      {albums === null ? (
        !error && <Loading />
      ) : albums.length === 0 ? (
        <div className="empty">
          <p>{t("home.empty")}</p>
          {user?.isAdmin && (
            <>
              <p className="muted">{t("home.emptyAdmin")}</p>
              <button type="button" className="button primary" disabled={scanning} onClick={() => void scan()}>
                <Icon name="refresh" />
                <span>{scanning ? t("home.scanning") : t("home.scan")}</span>
              </button>
            </>
          )}
        </div>
      ) : (
        <ul className="album-grid">
          {albums.map((album) => (
            <li key={album.id}>
              <AlbumCard album={album} />
            </li>
          ))}
        </ul>
      )}
      <HomeSections />
    </section>
  );
}
