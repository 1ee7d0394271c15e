/** The current language for the React tree, remembered in localStorage. */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import type { MessageKey } from "./en";
import {
  formatDate,
  formatLongDuration,
  formatTrackTime,
  LANGUAGES,
  preferredLanguage,
  translate,
  translatePlural,
  type Language,
  type Params,
} from "./translate";

const KEY = "echo.language";

export interface I18n {
  language: Language;
  setLanguage: (language: Language) => void;
  t: (key: MessageKey, params?: Params) => string;
  tp: (base: string, count: number, params?: Params) => string;
  trackTime: (seconds: number) => string;
  longDuration: (seconds: number) => string;
  date: (value: string | Date) => string;
}

const I18nContext = createContext<I18n | null>(null);

/** Whether this browser has a language of its own (chosen here, or adopted at a sign-in). */
export function hasOwnLanguage(): boolean {
  return localStorage.getItem(KEY) !== null;
}

function initialLanguage(): Language {
  const stored = localStorage.getItem(KEY);
  const known = LANGUAGES.find((language) => language === stored);
  return known ?? preferredLanguage(navigator.languages);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(initialLanguage);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(KEY, next);
    setLanguageState(next);
  }, []);

  const value = useMemo<I18n>(
    () => ({
      language,
      setLanguage,
      t: (key, params) => translate(language, key, params),
      tp: (base, count, params) => translatePlural(language, base, count, params),
      trackTime: (seconds) => formatTrackTime(language, seconds),
      longDuration: (seconds) => formatLongDuration(language, seconds),
      date: (value) => formatDate(language, value),
    }),
    [language, setLanguage],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error("useI18n outside <I18nProvider>");
  return value;
}
