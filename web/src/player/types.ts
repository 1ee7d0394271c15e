/**
 * What the player needs of a track. The API's track payload (GET /api/albums/{id}/tracks,
 * /api/tracks, search, …) has all of these fields, so pages pass its tracks as they come.
 */
export interface PlayableTrack {
  id: string;
  title: string;
  /** Seconds. */
  duration: number;
  artistName: string;
  artistId?: string | null;
  albumName: string;
  albumId: string;
  coverImage?: string | null;
  trackNumber?: number | null;
  discNumber?: number | null;
  /**
   * Gains from the server's loudness analysis (analysis/README.md): dB relative to −16 LUFS, so
   * the measured integrated loudness is −16 − rgTrackGain. Peaks are linear true peaks.
   */
  rgTrackGain?: number | null;
  rgTrackPeak?: number | null;
  rgAlbumGain?: number | null;
  rgAlbumPeak?: number | null;
  /** Where the track fades into its final silence, in seconds (the crossfade ends there). */
  outroStart?: number | null;
}

/** The `playContext` values of POST /api/play-tracking/play (spec §2.12). */
export type PlayContext = "direct" | "album" | "playlist" | "artist" | "shuffle" | "radio" | "recommendation" | "search" | "queue";

/** Where a queue came from: reported with every play and skip. */
export interface PlaySource {
  context: PlayContext;
  /** The album, playlist or artist id the tracks came from. */
  id?: string;
}

export type RepeatMode = "off" | "all" | "one";

/** One place in the queue; the same track may be queued twice, so entries have their own key. */
export interface QueueEntry {
  key: string;
  track: PlayableTrack;
  source: PlaySource;
}

/** Copies only the fields the player uses, so a persisted queue stays small. */
export function playable(track: PlayableTrack): PlayableTrack {
  return {
    id: track.id,
    title: track.title,
    duration: track.duration,
    artistName: track.artistName,
    artistId: track.artistId ?? null,
    albumName: track.albumName,
    albumId: track.albumId,
    coverImage: track.coverImage ?? null,
    trackNumber: track.trackNumber ?? null,
    discNumber: track.discNumber ?? null,
    rgTrackGain: track.rgTrackGain ?? null,
    rgTrackPeak: track.rgTrackPeak ?? null,
    rgAlbumGain: track.rgAlbumGain ?? null,
    rgAlbumPeak: track.rgAlbumPeak ?? null,
    outroStart: track.outroStart ?? null,
  };
}
