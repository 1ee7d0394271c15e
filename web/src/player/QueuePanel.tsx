/**
 * The queue as a side panel: the current track and what comes after it, reordered by dragging
 * or with the move up / move down buttons (keyboard), entries removed one by one or all at once.
 */
import { useEffect, useRef, useState, type DragEvent } from "react";
import { coverSrc } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";
import { usePlayer, usePlayerState } from "./PlayerProvider";

export function QueuePanel({ onClose }: { onClose: () => void }) {
  const { t, tp, trackTime } = useI18n();
  const player = usePlayer();
  const queue = usePlayerState((state) => state.queue);
  const gainDb = usePlayerState((state) => state.gainDb);
  const shuffled = queue.unshuffled !== null;
  const heading = useRef<HTMLHeadingElement>(null);
  const [dragged, setDragged] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const list = useRef<HTMLOListElement>(null);

  useEffect(() => {
    heading.current?.focus();
  }, []);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  function move(from: number, to: number, focusButton?: "up" | "down") {
    const entry = queue.entries[from];
    if (!entry || to < 0 || to >= queue.entries.length) return;
    player.move(from, to);
    setAnnouncement(t("queue.moved", { title: entry.track.title, position: to + 1 }));
    // Keep the keyboard on the moved entry's button, which React re-renders at its new place.
    if (focusButton) {
      requestAnimationFrame(() => {
        const button = list.current?.querySelector<HTMLButtonElement>(`[data-key="${entry.key}"] [data-move="${focusButton}"]`);
        if (button && !button.disabled) button.focus();
        else list.current?.querySelector<HTMLButtonElement>(`[data-key="${entry.key}"] [data-move="${focusButton === "up" ? "down" : "up"}"]`)?.focus();
      });
    }
  }

  const drop = (index: number) => (event: DragEvent) => {
    event.preventDefault();
    if (dragged !== null) move(dragged, index);
    setDragged(null);
    setOver(null);
  };

  return (
    <aside id="queue-panel" className="queue-panel" role="dialog" aria-modal="false" aria-labelledby="queue-heading">
      <header className="queue-header">
        <h2 id="queue-heading" ref={heading} tabIndex={-1}>
          {t("queue.title")}
        </h2>
        <span className="muted queue-count">{tp("queue.count", queue.entries.length)}</span>
        {gainDb !== null && (
          <span className="muted queue-gain" data-testid="applied-gain">
            {t("player.gain", { gain: (gainDb > 0 ? "+" : "") + gainDb.toFixed(1) })}
          </span>
        )}
        <button type="button" className="icon-button" aria-label={t("queue.close")} title={t("queue.close")} onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      {queue.entries.length === 0 ? (
        <p className="muted queue-empty">{t("queue.empty")}</p>
      ) : (
        <>
          <ol className="queue-list" ref={list} aria-label={t("queue.title")}>
            {queue.entries.map((entry, index) => {
              const current = index === queue.current;
              const cover = coverSrc(entry.track.coverImage ?? null, 200);
              const classes = ["queue-item", current ? "current" : "", index < queue.current ? "played" : "", over === index ? "drop-target" : ""].filter(Boolean).join(" ");
              return (
                <li
                  key={entry.key}
                  data-key={entry.key}
                  className={classes}
                  aria-current={current ? "true" : undefined}
                  draggable
                  onDragStart={(event) => {
                    setDragged(index);
                    event.dataTransfer.effectAllowed = "move";
                    event.dataTransfer.setData("text/plain", entry.key);
                  }}
                  onDragOver={(event) => {
                    event.preventDefault();
                    setOver(index);
                  }}
                  onDragLeave={() => setOver((value) => (value === index ? null : value))}
                  onDrop={drop(index)}
                  onDragEnd={() => {
                    setDragged(null);
                    setOver(null);
                  }}
                >
                  <span className="queue-grip" title={t("queue.drag")} aria-hidden="true">
                    <Icon name="grip" size={16} />
                  </span>
                  {cover ? <img src={cover} alt="" width={36} height={36} loading="lazy" /> : <span className="queue-cover-empty" />}
                  <button type="button" className="queue-play" title={t("queue.play", { title: entry.track.title })} onClick={() => player.jumpTo(index)}>
                    <span className="queue-title">{entry.track.title}</span>
                    <span className="queue-artist muted">{entry.track.artistName}</span>
                  </button>
                  <span className="queue-duration muted">{trackTime(entry.track.duration)}</span>
                  <span className="queue-actions">
                    <button type="button" className="icon-button small" data-move="up" aria-label={t("queue.moveUp", { title: entry.track.title })} title={t("queue.moveUp", { title: entry.track.title })} disabled={index === 0} onClick={() => move(index, index - 1, "up")}>
                      <Icon name="up" size={16} />
                    </button>
                    <button type="button" className="icon-button small" data-move="down" aria-label={t("queue.moveDown", { title: entry.track.title })} title={t("queue.moveDown", { title: entry.track.title })} disabled={index === queue.entries.length - 1} onClick={() => move(index, index + 1, "down")}>
                      <Icon name="down" size={16} />
                    </button>
                    <button type="button" className="icon-button small" aria-label={t("queue.remove", { title: entry.track.title })} title={t("queue.remove", { title: entry.track.title })} onClick={() => player.removeAt(index)}>
                      <Icon name="trash" size={16} />
                    </button>
                  </span>
                </li>
              );
            })}
          </ol>
          <footer className="queue-footer">
            <button type="button" className={shuffled ? "icon-button pb-toggle on" : "icon-button pb-toggle"} aria-pressed={shuffled} aria-label={t("player.shuffle")} title={shuffled ? t("player.shuffleOn") : t("player.shuffleOff")} onClick={player.toggleShuffle}>
              <Icon name="shuffle" />
            </button>
            <button type="button" className={queue.repeat !== "off" ? "icon-button pb-toggle on" : "icon-button pb-toggle"} aria-label={t(`player.repeat.${queue.repeat}`)} title={t(`player.repeat.${queue.repeat}`)} onClick={player.cycleRepeat}>
              <Icon name={queue.repeat === "one" ? "repeatOne" : "repeat"} />
            </button>
            <button type="button" className="button queue-clear" onClick={player.clearQueue} disabled={queue.entries.length <= 1}>
              <Icon name="trash" />
              <span>{t("queue.clear")}</span>
            </button>
          </footer>
        </>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>
    </aside>
  );
}
