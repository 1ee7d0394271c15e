/** The "Language" section of /settings: English, Spanish or French. */
import { api } from "../api";
import { useI18n } from "../i18n/I18nProvider";
import { LANGUAGE_NAMES, LANGUAGES, type Language } from "../i18n/translate";
import "./profile.css";

export default function LanguageSettings() {
  const { t, language, setLanguage } = useI18n();

  function choose(next: Language) {
    setLanguage(next);
    api.put("/api/users/language", { language: next }).catch(() => undefined);
  }

  return (
    <fieldset className="choice-group">
      <legend className="visually-hidden">{t("settings.language.title")}</legend>
      <div className="choices">
        {LANGUAGES.map((option) => (
          <label key={option} className={option === language ? "choice checked" : "choice"} lang={option}>
            <input type="radio" name="language" value={option} checked={option === language} onChange={() => choose(option)} />
            <span>{LANGUAGE_NAMES[option]}</span>
          </label>
        ))}
      </div>
      <p className="hint muted">{t("settings.language.hint")}</p>
    </fieldset>
  );
}
