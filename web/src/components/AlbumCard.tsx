/** An album tile: cover (lazy-loaded, in the size the grid needs), title and artist; the whole
 * tile opens the album page (the title link stretches over it). */
import { Link } from "wouter";
import { coverSrc, type Album } from "../api";
import { useI18n } from "../i18n/I18nProvider";
import { Icon } from "./Icon";

export function AlbumCard({ album }: { album: Album }) {
  const { t, tp } = useI18n();
  const small = coverSrc(album.coverImage, 200);
  const medium = coverSrc(album.coverImage, 300);
  return (
    <article className="album-card">
      {small && medium ? (
        <img className="cover" src={medium} srcSet={`${small} 200w, ${medium} 300w`} sizes="(max-width: 600px) 45vw, 200px" alt="" loading="lazy" decoding="async" width={300} height={300} />
      ) : (
        <div className="cover cover-placeholder" role="img" aria-label={t("album.noCover")}>
          <Icon name="disc" size={48} />
        </div>
      )}
      <h3 className="album-title" title={album.title}>
        <Link href={`/album/${album.id}`} className="card-link">
          {album.title}
        </Link>
      </h3>
      <p className="album-artist muted" title={album.artist}>
        {album.artist}
      </p>
      <p className="album-meta muted">{[album.year, tp("album.tracks", album.songCount)].filter(Boolean).join(" · ")}</p>
    </article>
  );
}
