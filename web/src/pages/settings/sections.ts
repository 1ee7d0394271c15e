/**
 * The sections of /settings, in order. A feature adds its own by appending an entry here; each
 * section component renders its controls (the page gives it its heading and frame).
 */
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { MessageKey } from "../../i18n/en";

export interface SettingsSection {
  /** Also the element id, so /settings#playback scrolls to it. */
  id: string;
  title: MessageKey;
  component: LazyExoticComponent<ComponentType> | ComponentType;
  adminOnly?: boolean;
}

export const SETTINGS_SECTIONS: SettingsSection[] = [
  { id: "appearance", title: "settings.appearance.title", component: lazy(() => import("../../profile/AppearanceSettings")) },
  { id: "language", title: "settings.language.title", component: lazy(() => import("../../profile/LanguageSettings")) },
  { id: "playback", title: "settings.playback.title", component: lazy(() => import("../../player/PlaybackSettings")) },
];
