import { describe, expect, it } from "vitest";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { formatDate, formatLongDuration, formatTrackTime, preferredLanguage, translate, translatePlural } from "./translate";

describe("message catalogues", () => {
  it("Spanish and French have exactly the English keys", () => {
    const english = Object.keys(en).sort();
    expect(Object.keys(es).sort()).toEqual(english);
    expect(Object.keys(fr).sort()).toEqual(english);
  });

  it("every translation keeps the placeholders of the English message", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders(es[key as keyof typeof en]), `es ${key}`).toEqual(placeholders(text));
      expect(placeholders(fr[key as keyof typeof en]), `fr ${key}`).toEqual(placeholders(text));
    }
  });

  it("no message is empty", () => {
    for (const catalogue of [en, es, fr]) {
      for (const [key, text] of Object.entries(catalogue)) expect(text.trim(), key).not.toBe("");
    }
  });
});

describe("translate", () => {
  it("fills placeholders and formats numbers in the language", () => {
    expect(translate("en", "setup.step", { current: 2, total: 4 })).toBe("Step 2 of 4");
    expect(translate("es", "setup.step", { current: 2, total: 4 })).toBe("Paso 2 de 4");
  });

  it("leaves an unknown placeholder visible instead of dropping it", () => {
    expect(translate("en", "home.greeting")).toBe("Hello, {name}");
  });

  it("picks the plural form of the language", () => {
    expect(translatePlural("en", "album.tracks", 1)).toBe("1 track");
    expect(translatePlural("en", "album.tracks", 12)).toBe("12 tracks");
    // French counts zero as singular.
    expect(translatePlural("fr", "album.tracks", 0)).toBe("0 titre");
    expect(translatePlural("en", "album.tracks", 0)).toBe("0 tracks");
    expect(translatePlural("fr", "album.tracks", 3)).toBe("3 titres");
  });
});

describe("language choice", () => {
  it("takes the first browser language Echo speaks, else English", () => {
    expect(preferredLanguage(["de-DE", "fr-CA", "es"])).toBe("fr");
    expect(preferredLanguage(["ES"])).toBe("es");
    expect(preferredLanguage(["de", "it"])).toBe("en");
    expect(preferredLanguage([])).toBe("en");
  });
});

describe("formatting", () => {
  it("writes track times as m:ss and h:mm:ss", () => {
    expect(formatTrackTime("en", 0)).toBe("0:00");
    expect(formatTrackTime("en", 65.9)).toBe("1:05");
    expect(formatTrackTime("fr", 3725)).toBe("1:02:05");
  });

  it("writes long durations with the language's units", () => {
    expect(formatLongDuration("en", 45 * 60)).toBe("45 min");
    expect(formatLongDuration("en", 3600 + 5 * 60)).toBe("1 hr 5 min");
    expect(formatLongDuration("es", 2 * 3600)).toBe("2 h");
  });

  it("writes dates in the language's medium style", () => {
    const date = new Date(Date.UTC(2024, 2, 15, 12));
    expect(formatDate("en", date)).toBe("Mar 15, 2024");
    expect(formatDate("es", date)).toBe("15 mar 2024");
    expect(formatDate("fr", date)).toBe("15 mars 2024");
  });
});
