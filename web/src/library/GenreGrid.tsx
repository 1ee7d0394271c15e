/** Genre tiles: the cover of the genre's biggest album on the genre's colour, name and counts. */
import { Link } from "wouter";
import { coverSrc, type Genre } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";

export function GenreGrid({ genres }: { genres: readonly Genre[] }) {
  const { tp } = useI18n();
  return (
    <ul className="genre-grid">
      {genres.map((genre) => {
        const cover = coverSrc(genre.coverImageUrl, 200);
        return (
          <li key={genre.id} className="genre-card" style={{ borderTopColor: genre.coverColor }}>
            <div className="genre-art" style={{ backgroundColor: genre.coverColor }}>
              {cover ? <img src={cover} alt="" loading="lazy" decoding="async" width={200} height={200} /> : <Icon name="tag" size={40} />}
            </div>
            <div className="genre-text">
              <h3 className="genre-name" title={genre.name}>
                <Link href={`/genres/${genre.id}`} className="card-link">
                  {genre.name}
                </Link>
              </h3>
              <p className="muted">
                {tp("album.tracks", genre.trackCount)} · {tp("artist.albums", genre.albumCount)}
              </p>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
