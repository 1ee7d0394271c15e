/** The app's one API client and token store. */
import { ApiClient } from "./client";
import { TokenStore } from "./tokens";

export { ApiError } from "./errors";
export type * from "./types";

export const tokens = new TokenStore(typeof localStorage === "undefined" ? null : localStorage);
export const api = new ApiClient(tokens);

/** An album cover in one of the server's square sizes (200/300/500 px), or null without a cover. */
export function coverSrc(coverImage: string | null, size: 200 | 300 | 500): string | null {
  if (!coverImage) return null;
  return `${coverImage}${coverImage.includes("?") ? "&" : "?"}size=${size}`;
}
