/**
 * The player bar along the bottom of the shell: the current track (cover, title, artist),
 * transport (shuffle, previous, play/pause, next, repeat), the seek slider with times, volume
 * and mute, and the queue button.
 */
import { useRef, useState, type CSSProperties } from "react";
import { Link, useLocation } from "wouter";
import { coverSrc } from "../api";
import { Icon } from "../components/Icon";
import { useI18n } from "../i18n/I18nProvider";
import "./player.css";
import { usePlayer, usePlayerState } from "./PlayerProvider";
import { currentEntry, isShuffled } from "./queue";
import { QueuePanel } from "./QueuePanel";
import { usePlayerShortcuts } from "./usePlayerShortcuts";

export function PlayerBar() {
  const { t } = useI18n();
  const [, navigate] = useLocation();
  const [queueOpen, setQueueOpen] = useState(false);
  const queueButton = useRef<HTMLButtonElement>(null);
  const entry = usePlayerState((state) => currentEntry(state.queue));
  const error = usePlayerState((state) => state.error);
  const gainDb = usePlayerState((state) => state.gainDb);
  usePlayerShortcuts(() => navigate("/search"));

  const track = entry?.track ?? null;
  const cover = track ? coverSrc(track.coverImage ?? null, 200) : null;

  return (
    <footer className="player-bar" aria-label={t("player.label")} data-gain-db={gainDb ?? ""}>
      <div className="pb-track">
        {cover ? <img className="pb-cover" src={cover} alt="" width={48} height={48} /> : <span className="pb-cover pb-cover-empty"><Icon name="disc" /></span>}
        <div className="pb-text">
          {track ? (
            <>
              <Link href={`/album/${track.albumId}`} className="pb-title" title={track.title} data-testid="player-title">
                {track.title}
              </Link>
              {track.artistId ? (
                <Link href={`/artists/${track.artistId}`} className="pb-artist muted" title={track.artistName}>
                  {track.artistName}
                </Link>
              ) : (
                <span className="pb-artist muted">{track.artistName}</span>
              )}
              {error && <span className="error pb-error" role="alert">{t("player.error")}</span>}
            </>
          ) : (
            <span className="muted">{t("player.empty")}</span>
          )}
        </div>
      </div>
      <div className="pb-center">
        <Transport disabled={!track} />
        <SeekBar disabled={!track} />
      </div>
      <div className="pb-side">
        <VolumeControl />
        <button
          ref={queueButton}
          type="button"
          className={queueOpen ? "icon-button pb-toggle on" : "icon-button pb-toggle"}
          aria-label={t("player.queue")}
          title={t("player.queue")}
          aria-expanded={queueOpen}
          aria-controls="queue-panel"
          onClick={() => setQueueOpen(!queueOpen)}
        >
          <Icon name="queue" />
        </button>
      </div>
      {queueOpen && (
        <QueuePanel
          onClose={() => {
            setQueueOpen(false);
            queueButton.current?.focus();
          }}
        />
      )}
    </footer>
  );
}

function Transport({ disabled }: { disabled: boolean }) {
  const { t } = useI18n();
  const player = usePlayer();
  const playing = usePlayerState((state) => state.playing);
  const shuffle = usePlayerState((state) => isShuffled(state.queue));
  const repeat = usePlayerState((state) => state.queue.repeat);
  const repeatLabel = t(`player.repeat.${repeat}`);
  return (
    <div className="pb-controls">
      <button type="button" className={shuffle ? "icon-button pb-toggle on" : "icon-button pb-toggle"} aria-pressed={shuffle} aria-label={t("player.shuffle")} title={shuffle ? t("player.shuffleOn") : t("player.shuffleOff")} onClick={player.toggleShuffle}>
        <Icon name="shuffle" />
      </button>
      <button type="button" className="icon-button" aria-label={t("player.previous")} title={t("player.previous")} disabled={disabled} onClick={player.previous}>
        <Icon name="previous" />
      </button>
      <button type="button" className="icon-button pb-play" aria-label={playing ? t("player.pause") : t("player.play")} title={playing ? t("player.pause") : t("player.play")} disabled={disabled} onClick={player.togglePlay}>
        <Icon name={playing ? "pause" : "play"} size={24} />
      </button>
      <button type="button" className="icon-button" aria-label={t("player.next")} title={t("player.next")} disabled={disabled} onClick={player.next}>
        <Icon name="next" />
      </button>
      <button type="button" className={repeat !== "off" ? "icon-button pb-toggle on" : "icon-button pb-toggle"} aria-label={repeatLabel} title={repeatLabel} data-repeat={repeat} onClick={player.cycleRepeat}>
        <Icon name={repeat === "one" ? "repeatOne" : "repeat"} />
      </button>
    </div>
  );
}

function SeekBar({ disabled }: { disabled: boolean }) {
  const { t, trackTime } = useI18n();
  const player = usePlayer();
  const position = usePlayerState((state) => state.position);
  const duration = usePlayerState((state) => state.duration);
  // While the thumb is dragged the bar follows the pointer, and the seek happens on release.
  const [scrub, setScrub] = useState<number | null>(null);
  const dragging = useRef(false);
  const shown = scrub ?? position;
  const max = duration > 0 ? duration : 0;
  return (
    <div className="pb-seek">
      <span className="pb-time" data-testid="player-position">{trackTime(shown)}</span>
      <input
        type="range"
        className="range pb-range"
        min={0}
        max={max}
        step={0.1}
        value={Math.min(shown, max)}
        disabled={disabled || max === 0}
        aria-label={t("player.seek")}
        aria-valuetext={`${trackTime(shown)} / ${trackTime(max)}`}
        style={{ "--fill": `${max > 0 ? (Math.min(shown, max) / max) * 100 : 0}%` } as CSSProperties}
        onPointerDown={() => {
          dragging.current = true;
        }}
        onPointerUp={(event) => {
          dragging.current = false;
          player.seek(Number(event.currentTarget.value));
          setScrub(null);
        }}
        onChange={(event) => {
          const value = Number(event.target.value);
          if (dragging.current) setScrub(value);
          else player.seek(value);
        }}
      />
      <span className="pb-time" data-testid="player-duration">{trackTime(max)}</span>
    </div>
  );
}

function VolumeControl() {
  const { t } = useI18n();
  const player = usePlayer();
  const volume = usePlayerState((state) => state.volume);
  const muted = usePlayerState((state) => state.muted);
  const level = muted ? 0 : volume;
  return (
    <div className="pb-volume">
      <button type="button" className="icon-button" aria-label={muted ? t("player.unmute") : t("player.mute")} title={muted ? t("player.unmute") : t("player.mute")} aria-pressed={muted} onClick={player.toggleMute}>
        <Icon name={muted || volume === 0 ? "volumeOff" : "volume"} />
      </button>
      <input
        type="range"
        className="range pb-volume-range"
        min={0}
        max={1}
        step={0.01}
        value={level}
        aria-label={t("player.volume")}
        aria-valuetext={`${Math.round(level * 100)} %`}
        style={{ "--fill": `${level * 100}%` } as CSSProperties}
        onChange={(event) => player.setVolume(Number(event.target.value))}
      />
    </div>
  );
}
