/** Artist tiles: a round picture (a placeholder while the server has no artist images), name, counts. */
import { Link } from "wouter";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";

export interface ArtistSummary {
  id: string;
  name: string;
  albumCount: number;
  songCount: number;
  smallImageUrl?: string | null;
}

export function ArtistAvatar({ artist, size }: { artist: { name: string; smallImageUrl?: string | null }; size: "small" | "large" }) {
  if (artist.smallImageUrl) {
    return <img className={`artist-avatar ${size}`} src={artist.smallImageUrl} alt="" loading="lazy" decoding="async" />;
  }
  return (
    <div className={`artist-avatar placeholder ${size}`} aria-hidden="true">
      <Icon name="user" size={size === "large" ? 64 : 40} />
    </div>
  );
}

export function ArtistGrid({ artists, label }: { artists: readonly ArtistSummary[]; label?: string }) {
  const { tp } = useI18n();
  return (
    <ul className="artist-grid" aria-label={label}>
      {artists.map((artist) => (
        <li key={artist.id} className="artist-card">
          <ArtistAvatar artist={artist} size="small" />
          <h3 className="artist-name" title={artist.name}>
            <Link href={`/artists/${artist.id}`} className="card-link">
              {artist.name}
            </Link>
          </h3>
          <p className="muted artist-meta">
            {tp("artist.albums", artist.albumCount)} · {tp("album.tracks", artist.songCount)}
          </p>
        </li>
      ))}
    </ul>
  );
}
