/** Full track payloads (what the player needs) for lists that only carry track ids. */
import { api, type Track } from "../api";

/** The tracks with these ids, in this order; ids the server no longer knows are left out. */
export async function fetchTracks(ids: readonly string[]): Promise<Track[]> {
  const answers = await Promise.all(ids.map((id) => api.get<Track>(`/api/tracks/${id}`).catch(() => null)));
  return answers.filter((track): track is Track => track !== null);
}
