/** Message lookup, interpolation, plurals and locale-aware formatting; no React here, so unit tests reach it. */
import { en, type MessageKey, type Messages } from "./en";
import { es } from "./es";
import { fr } from "./fr";

export const LANGUAGES = ["en", "es", "fr"] as const;
export type Language = (typeof LANGUAGES)[number];

export const CATALOGUES: Record<Language, Messages> = { en, es, fr };

export const LANGUAGE_NAMES: Record<Language, string> = { en: "English", es: "Español", fr: "Français" };

export type Params = Record<string, string | number>;

/** The message with `{name}` placeholders filled in; English when a catalogue lacks the key. */
export function translate(language: Language, key: MessageKey, params: Params = {}): string {
  const template = CATALOGUES[language][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? new Intl.NumberFormat(language).format(value) : value;
  });
}

/** Plural forms are keys ending in `.one`, `.other` (and any other CLDR category a language needs). */
export function translatePlural(language: Language, base: string, count: number, params: Params = {}): string {
  const category = new Intl.PluralRules(language).select(count);
  const catalogue = CATALOGUES[language] as Record<string, string>;
  const key = (`${base}.${category}` in catalogue ? `${base}.${category}` : `${base}.other`) as MessageKey;
  return translate(language, key, { count, ...params });
}

/** The browser's preferred language when Echo speaks it, else English. */
export function preferredLanguage(candidates: readonly string[]): Language {
  for (const candidate of candidates) {
    const base = candidate.toLowerCase().split("-")[0];
    const match = LANGUAGES.find((language) => language === base);
    if (match) return match;
  }
  return "en";
}

/** A track length as m:ss (h:mm:ss past an hour), digits per locale. */
export function formatTrackTime(language: Language, totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  const two = new Intl.NumberFormat(language, { minimumIntegerDigits: 2, useGrouping: false });
  const one = new Intl.NumberFormat(language, { useGrouping: false });
  return hours > 0
    ? `${one.format(hours)}:${two.format(minutes)}:${two.format(rest)}`
    : `${one.format(minutes)}:${two.format(rest)}`;
}

/** A long duration (an album, a playlist) as "1 h 5 min" in the language's own units. */
export function formatLongDuration(language: Language, totalSeconds: number): string {
  const minutesTotal = Math.round(Math.max(0, totalSeconds) / 60);
  const hours = Math.floor(minutesTotal / 60);
  const minutes = minutesTotal % 60;
  const unit = (value: number, name: "hour" | "minute") =>
    new Intl.NumberFormat(language, { style: "unit", unit: name, unitDisplay: "short" }).format(value);
  if (hours === 0) return unit(minutes, "minute");
  return minutes === 0 ? unit(hours, "hour") : `${unit(hours, "hour")} ${unit(minutes, "minute")}`;
}

/** A date (ISO string or Date) in the language's medium style. */
export function formatDate(language: Language, value: string | Date): string {
  const date = typeof value === "string" ? new Date(value) : value;
  return new Intl.DateTimeFormat(language, { dateStyle: "medium" }).format(date);
}
