/** The "Playback" section of /settings: crossfade, loudness normalisation, autoplay. */
import type { CSSProperties } from "react";
import { useI18n } from "../i18n/I18nProvider";
import "./player.css";
import { usePlayer, usePlayerState } from "./PlayerProvider";
import { CROSSFADE_MAX_SECONDS, TARGET_MAX_LUFS, TARGET_MIN_LUFS, type NormalizationMode } from "./settings";

const MODES: NormalizationMode[] = ["auto", "track", "album"];

export default function PlaybackSettings() {
  const { t } = useI18n();
  const { updateSettings } = usePlayer();
  const settings = usePlayerState((state) => state.settings);
  const fill = (value: number, min: number, max: number) => ({ "--fill": `${((value - min) / (max - min)) * 100}%` }) as CSSProperties;

  return (
    <div className="settings-fields">
      <div className="setting">
        <label htmlFor="crossfade">{t("settings.playback.crossfade")}</label>
        <div className="setting-slider">
          <input
            id="crossfade"
            type="range"
            className="range"
            min={0}
            max={CROSSFADE_MAX_SECONDS}
            step={1}
            value={settings.crossfadeSeconds}
            style={fill(settings.crossfadeSeconds, 0, CROSSFADE_MAX_SECONDS)}
            aria-describedby="crossfade-hint"
            aria-valuetext={settings.crossfadeSeconds === 0 ? t("settings.playback.off") : t("settings.playback.seconds", { count: settings.crossfadeSeconds })}
            onChange={(event) => updateSettings({ crossfadeSeconds: Number(event.target.value) })}
          />
          <output htmlFor="crossfade">{settings.crossfadeSeconds === 0 ? t("settings.playback.off") : t("settings.playback.seconds", { count: settings.crossfadeSeconds })}</output>
        </div>
        <p id="crossfade-hint" className="hint muted">
          {t("settings.playback.crossfadeHint")}
        </p>
      </div>

      <div className="setting">
        <label className="setting-check">
          <input type="checkbox" checked={settings.normalization} aria-describedby="normalization-hint" onChange={(event) => updateSettings({ normalization: event.target.checked })} />
          <span>{t("settings.playback.normalization")}</span>
        </label>
        <p id="normalization-hint" className="hint muted">
          {t("settings.playback.normalizationHint")}
        </p>
      </div>

      <div className="setting">
        <label htmlFor="target-lufs">{t("settings.playback.target")}</label>
        <div className="setting-slider">
          <input
            id="target-lufs"
            type="range"
            className="range"
            min={TARGET_MIN_LUFS}
            max={TARGET_MAX_LUFS}
            step={1}
            value={settings.targetLufs}
            disabled={!settings.normalization}
            style={fill(settings.targetLufs, TARGET_MIN_LUFS, TARGET_MAX_LUFS)}
            aria-valuetext={t("settings.playback.targetValue", { value: settings.targetLufs })}
            onChange={(event) => updateSettings({ targetLufs: Number(event.target.value) })}
          />
          <output htmlFor="target-lufs">{t("settings.playback.targetValue", { value: settings.targetLufs })}</output>
        </div>
      </div>

      <div className="setting">
        <label htmlFor="normalization-mode">{t("settings.playback.mode")}</label>
        <select id="normalization-mode" className="select" value={settings.normalizationMode} disabled={!settings.normalization} onChange={(event) => updateSettings({ normalizationMode: event.target.value as NormalizationMode })}>
          {MODES.map((mode) => (
            <option key={mode} value={mode}>
              {t(`settings.playback.mode.${mode}`)}
            </option>
          ))}
        </select>
      </div>

      <div className="setting">
        <label className="setting-check">
          <input type="checkbox" checked={settings.autoplay} aria-describedby="autoplay-hint" onChange={(event) => updateSettings({ autoplay: event.target.checked })} />
          <span>{t("settings.playback.autoplay")}</span>
        </label>
        <p id="autoplay-hint" className="hint muted">
          {t("settings.playback.autoplayHint")}
        </p>
      </div>
    </div>
  );
}
