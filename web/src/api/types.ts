/** Payloads of the REST API (camelCase on the wire; see /api/openapi.json). */

export interface SetupStatus {
  needsSetup: boolean;
  hasAdmin: boolean;
  adminUsername: string | null;
  hasMusicLibrary: boolean;
  musicLibraryPath: string | null;
  setupCompleted: boolean;
  mountedLibrary: { path: string; isMounted: boolean; hasContent: boolean; fileCount: number } | null;
}

export interface User {
  id: string;
  username: string;
  name: string | null;
  isAdmin: boolean;
  hasAvatar: boolean;
  createdAt: string;
  isActive: boolean;
  mustChangePassword: boolean;
  /** The account's stored appearance and language (validated by the server on save). */
  theme: string;
  language: string;
}

export interface LoginResponse {
  user: Omit<User, "isActive" | "mustChangePassword">;
  accessToken: string;
  refreshToken: string;
  mustChangePassword: boolean;
}

export interface Directory {
  name: string;
  path: string;
  readable: boolean;
  hasMusic: boolean;
}

export interface DirectoryListing {
  currentPath: string;
  parentPath: string | null;
  directories: Directory[];
  canGoUp: boolean;
}

export interface LibraryValidation {
  valid: boolean;
  message: string;
  fileCount: number | null;
}

export interface Album {
  id: string;
  name: string;
  title: string;
  artist: string;
  artistId: string;
  coverImage: string | null;
  year: number | null;
  songCount: number;
  duration: number;
  addedAt: string;
  createdAt: string;
}

/** `{id, name}` of an artist or genre inside another payload. */
export interface Ref {
  id: string;
  name: string;
}

/** A page addressed by offset (`?skip=&take=`). */
export interface SkipPage<T> {
  data: T[];
  total: number;
  skip: number;
  take: number;
  hasMore: boolean;
}

/** A page addressed by number (`?page=&limit=`), 1-based. */
export interface NumberedPage<T> {
  data: T[];
  total: number;
  page: number;
  limit: number;
  totalPages: number;
  hasMore: boolean;
}

export interface Track {
  id: string;
  title: string;
  albumId: string;
  artistId: string;
  albumArtistId: string;
  artists: Ref[];
  genres: Ref[];
  trackNumber: number | null;
  discNumber: number;
  year: number | null;
  duration: number;
  suffix: string;
  bitRate: number | null;
  albumName: string;
  artistName: string;
  albumArtistName: string;
  compilation: boolean;
  coverImage: string | null;
  rgTrackGain: number | null;
  rgTrackPeak: number | null;
  rgAlbumGain: number | null;
  rgAlbumPeak: number | null;
  outroStart: number | null;
  bpm: number | null;
  key: string | null;
  isMissing: boolean;
  createdAt: string;
}

export interface Artist {
  id: string;
  name: string;
  albumCount: number;
  songCount: number;
  duration: number;
  biography: string | null;
  profileImageUrl: string | null;
  smallImageUrl: string | null;
  mediumImageUrl: string | null;
  largeImageUrl: string | null;
  externalUrl: string | null;
  orderArtistName: string;
  createdAt: string;
}

/** GET /api/artists/{id}/top-tracks: the artist's tracks ranked by everyone's plays. */
export interface ArtistTopTracks {
  artistId: string;
  limit: number;
  days: number | null;
  data: { trackId: string; title: string; albumId: string; albumName: string; duration: number; playCount: number; uniqueListeners: number }[];
}

export interface RelatedArtists {
  artistId: string;
  data: { id: string; name: string; albumCount: number; songCount: number; matchScore: number }[];
  source: "external" | "genre" | "internal" | "none";
}

export interface ArtistStats {
  artistId: string;
  totalPlays: number;
  uniqueListeners: number;
  avgCompletionRate: number;
  skipRate: number;
}

export interface Genre {
  id: string;
  name: string;
  slug: string;
  trackCount: number;
  albumCount: number;
  artistCount: number;
  coverImageUrl: string | null;
  coverColor: string;
}

/** GET /api/search?q=: the best matches of each kind and how many there are. */
export interface SearchResults {
  query: string;
  artists: { data: Artist[]; total: number };
  albums: { data: Album[]; total: number };
  tracks: { data: Track[]; total: number };
}

export type StarrableType = "track" | "album" | "artist";

/** One starred item of GET /api/interactions/favorites. */
export interface Favorite {
  itemType: StarrableType;
  itemId: string;
  name: string;
  createdAt: string;
}

/** GET /api/interactions/item/{type}/{id}: ratings and the caller's star. */
export interface ItemInteractions {
  itemId: string;
  itemType: string;
  userRating: number | null;
  averageRating: number;
  totalRatings: number;
  isFavorite: boolean;
}

/** PUT /api/users/profile: the caller's account. */
export interface UserProfile extends User {
  updatedAt: string;
}

export interface Privacy {
  isPublicProfile: boolean;
  showTopTracks: boolean;
  showTopArtists: boolean;
  showTopAlbums: boolean;
  showPlaylists: boolean;
  bio: string | null;
}

export interface AvatarUpload {
  avatarPath: string;
  avatarUrl: string;
  avatarSize: number;
  avatarMimeType: string;
}

/** A row of GET /api/admin/users. */
export interface AdminUser {
  id: string;
  username: string;
  name: string | null;
  isAdmin: boolean;
  isActive: boolean;
  avatarPath: string | null;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  isSystemAdmin: boolean;
}

export interface CreatedUser {
  user: { id: string; username: string; name: string | null; isAdmin: boolean };
  temporaryPassword: string;
}

/** GET /api/admin/library. */
export interface LibraryInfo {
  path: string | null;
  exists: boolean;
  readable: boolean;
  fileCount: number;
  mountedPaths: string[];
}

/** A setting of GET /api/admin/settings. */
export interface AdminSetting {
  key: string;
  value: string;
  type: string;
  isDefault: boolean;
}

/** A scan of GET /api/scanner (newest first). */
export interface Scan {
  id: string;
  kind: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  filesScanned: number;
  tracksAdded: number;
  tracksUpdated: number;
  tracksDeleted: number;
  tracksMissing: number;
  totalChanges: number;
  errors: number;
  durationMs: number | null;
  errorMessage: string | null;
}

export interface MissingTrack {
  id: string;
  title: string;
  path: string;
  albumName: string;
  artistName: string;
  missingAt: string;
}

/** GET /api/scanner/lufs-status and /dj-status (the DJ one adds its own fields). */
export interface AnalysisStatus {
  isRunning: boolean;
  pendingTracks: number;
  processedInSession: number;
  failedTracks: number;
  currentTrack: string | null;
  startedAt: string | null;
  estimatedTimeRemaining: number | null;
  concurrency?: number;
  analyzerBackend?: string;
  stopped?: boolean;
}
