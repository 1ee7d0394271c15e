/** The "Appearance" section of /settings: dark, light or auto (following the system). */
import { api } from "../api";
import { Icon, type IconName } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";
import { setTheme, THEMES, useTheme, type Theme } from "../theme/theme";
import "./profile.css";

const ICONS: Record<Theme, IconName> = { dark: "moon", light: "sun", auto: "auto" };

export default function AppearanceSettings() {
  const { t } = useI18n();
  const theme = useTheme();

  function choose(next: Theme) {
    setTheme(next);
    // Remembered on the account too, for other devices; the local choice already applies.
    api.put("/api/users/theme", { theme: next }).catch(() => undefined);
  }

  return (
    <fieldset className="choice-group">
      <legend>{t("settings.appearance.theme")}</legend>
      <div className="choices">
        {THEMES.map((option) => (
          <label key={option} className={option === theme ? "choice checked" : "choice"}>
            <input type="radio" name="theme" value={option} checked={option === theme} onChange={() => choose(option)} />
            <Icon name={ICONS[option]} />
            <span>{t(`theme.${option}`)}</span>
          </label>
        ))}
      </div>
      <p className="hint muted">{t("settings.appearance.autoHint")}</p>
    </fieldset>
  );
}
