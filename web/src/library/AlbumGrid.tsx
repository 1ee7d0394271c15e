/** A grid of album cards. */
import type { Album } from "../api";
import { AlbumCard } from "../components/AlbumCard";

export function AlbumGrid({ albums, label }: { albums: readonly Album[]; label?: string }) {
  return (
    <ul className="album-grid" aria-label={label}>
      {albums.map((album) => (
        <li key={album.id}>
          <AlbumCard album={album} />
        </li>
      ))}
    </ul>
  );
}
