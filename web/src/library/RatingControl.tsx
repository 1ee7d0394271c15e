/** The caller's 1–5 rating of a track, album or artist, and everyone's average (spec §2.16). */
import { useEffect, useId, useState } from "react";
import { api, type ItemInteractions, type StarrableType } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";

const VALUES = [1, 2, 3, 4, 5] as const;

export function RatingControl({ itemType, itemId }: { itemType: StarrableType; itemId: string }) {
  const { t, tp, language } = useI18n();
  const name = useId();
  const [state, setState] = useState<ItemInteractions | null>(null);
  const [busy, setBusy] = useState(false);
  const current = state && state.itemId === itemId ? state : null;

  useEffect(() => {
    let live = true;
    api.get<ItemInteractions>(`/api/interactions/item/${itemType}/${itemId}`).then(
      (answer) => {
        if (live) setState(answer);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [itemType, itemId]);

  async function rate(rating: number | null) {
    setBusy(true);
    try {
      if (rating === null) await api.delete(`/api/interactions/rating/${itemType}/${itemId}`);
      else await api.post("/api/interactions/rating", { itemId, itemType, rating });
      setState(await api.get<ItemInteractions>(`/api/interactions/item/${itemType}/${itemId}`));
    } catch {
      // The rating stays as the server has it.
    } finally {
      setBusy(false);
    }
  }

  const mine = current?.userRating ?? 0;
  const average = new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(current?.averageRating ?? 0);
  return (
    <div className="rating">
      <fieldset disabled={!current || busy}>
        <legend className="visually-hidden">{t("rating.legend")}</legend>
        {VALUES.map((value) => (
          <label key={value} className={value <= mine ? "rating-star on" : "rating-star"} title={tp("rating.stars", value)}>
            <input type="radio" className="visually-hidden" name={name} value={value} checked={mine === value} onChange={() => void rate(value)} />
            <Icon name="star" />
            <span className="visually-hidden">{tp("rating.stars", value)}</span>
          </label>
        ))}
      </fieldset>
      {current && current.totalRatings > 0 && <span className="muted rating-summary">{tp("rating.summary", current.totalRatings, { average })}</span>}
      {mine > 0 && (
        <button type="button" className="link-button" disabled={busy} onClick={() => void rate(null)}>
          {t("rating.clear")}
        </button>
      )}
    </div>
  );
}
