/** The favourite star of a track, album or artist (PUT/DELETE /api/interactions/favorite/…). */
import { useEffect, useState } from "react";
import { api, type ItemInteractions, type StarrableType } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";

interface Props {
  itemType: StarrableType;
  itemId: string;
  name: string;
  /** Known already (e.g. in the favourites list); otherwise asked from the server. */
  starred?: boolean;
  onChange?: (starred: boolean) => void;
}

export function StarButton({ itemType, itemId, name, starred: known, onChange }: Props) {
  const { t } = useI18n();
  const [state, setState] = useState<{ id: string; starred: boolean } | null>(known === undefined ? null : { id: itemId, starred: known });
  const [busy, setBusy] = useState(false);
  const starred = state && state.id === itemId ? state.starred : null;

  useEffect(() => {
    if (known !== undefined) return;
    let live = true;
    api.get<ItemInteractions>(`/api/interactions/item/${itemType}/${itemId}`).then(
      (answer) => {
        if (live) setState({ id: itemId, starred: answer.isFavorite });
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [itemType, itemId, known]);

  async function toggle() {
    if (starred === null) return;
    setBusy(true);
    try {
      const path = `/api/interactions/favorite/${itemType}/${itemId}`;
      if (starred) await api.delete(path);
      else await api.put(path);
      setState({ id: itemId, starred: !starred });
      onChange?.(!starred);
    } catch {
      // The star stays as the server has it; the next visit shows the truth.
    } finally {
      setBusy(false);
    }
  }

  const label = t(starred ? "star.remove" : "star.add", { name });
  return (
    <button
      type="button"
      className={starred ? "icon-button star starred" : "icon-button star"}
      aria-label={label}
      title={label}
      aria-pressed={starred ?? false}
      disabled={starred === null || busy}
      onClick={() => void toggle()}
    >
      <Icon name="star" />
    </button>
  );
}
