/**
 * Two media elements, each routed through Web Audio:
 *
 *   <audio> → MediaElementSource → normalisation GainNode → crossfade GainNode ─┐
 *   <audio> → MediaElementSource → normalisation GainNode → crossfade GainNode ─┴→ volume GainNode → speakers
 *
 * One deck plays; the other holds the next track (preloaded) or fades out. Without Web Audio
 * (very old browsers) the elements play directly and only the element volume is used.
 */
import { equalPowerCurve } from "./crossfade";
import { dbToLinear } from "./gain";

export interface Deck {
  readonly index: number;
  readonly audio: HTMLAudioElement;
  normalization: GainNode | null;
  fade: GainNode | null;
  /** The queue entry whose stream is loaded. */
  entryKey: string | null;
  trackId: string | null;
  /** The normalisation gain set for the loaded track, in dB. */
  gainDb: number;
}

const FADE_POINTS = 128;

export class DeckPair {
  readonly decks: [Deck, Deck];
  private context: AudioContext | null = null;
  private volumeNode: GainNode | null = null;
  private graphTried = false;
  private volume = 1;
  private muted = false;

  constructor(container: HTMLElement) {
    const make = (index: number): Deck => {
      const audio = document.createElement("audio");
      audio.preload = "auto";
      audio.dataset.deck = String(index);
      container.appendChild(audio);
      return { index, audio, normalization: null, fade: null, entryKey: null, trackId: null, gainDb: 0 };
    };
    this.decks = [make(0), make(1)];
  }

  /**
   * Builds the graph on the first play (browsers only let an AudioContext start from a user
   * gesture) and resumes it when the browser suspended it.
   */
  ensureGraph(): void {
    if (!this.graphTried) {
      this.graphTried = true;
      const Context = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
      if (Context) {
        try {
          const context = new Context();
          const volume = context.createGain();
          volume.connect(context.destination);
          for (const deck of this.decks) {
            const source = context.createMediaElementSource(deck.audio);
            deck.normalization = context.createGain();
            deck.fade = context.createGain();
            source.connect(deck.normalization).connect(deck.fade).connect(volume);
            deck.normalization.gain.value = dbToLinear(deck.gainDb);
          }
          this.context = context;
          this.volumeNode = volume;
        } catch {
          this.context = null; // plays without normalisation rather than not at all
        }
      }
      this.applyVolume();
    }
    if (this.context?.state === "suspended") void this.context.resume().catch(() => undefined);
  }

  get hasGraph(): boolean {
    return this.context !== null;
  }

  setGain(deck: Deck, db: number): void {
    deck.gainDb = db;
    const node = deck.normalization;
    if (!node || !this.context) return;
    const value = dbToLinear(db);
    if (Math.abs(node.gain.value - value) < 1e-6) return;
    node.gain.cancelScheduledValues(this.context.currentTime);
    node.gain.value = value;
  }

  setVolume(volume: number, muted: boolean): void {
    this.volume = volume;
    this.muted = muted;
    this.applyVolume();
  }

  private applyVolume(): void {
    const level = this.muted ? 0 : this.volume;
    if (this.volumeNode) {
      // Perceived loudness follows the square of the slider better than the slider itself.
      this.volumeNode.gain.value = level * level;
      for (const deck of this.decks) deck.audio.volume = 1;
    } else {
      for (const deck of this.decks) deck.audio.volume = level * level;
    }
  }

  /** Full level on `deck`, at once (a track started without a crossfade). */
  resetFade(deck: Deck): void {
    if (deck.fade && this.context) {
      deck.fade.gain.cancelScheduledValues(this.context.currentTime);
      deck.fade.gain.value = 1;
    }
  }

  /** Equal-power crossfade from `from` to `to` over `seconds`. */
  crossfade(from: Deck, to: Deck, seconds: number): void {
    if (!this.context || !from.fade || !to.fade) return;
    const now = this.context.currentTime;
    from.fade.gain.cancelScheduledValues(now);
    to.fade.gain.cancelScheduledValues(now);
    from.fade.gain.setValueCurveAtTime(equalPowerCurve(FADE_POINTS, "out"), now, seconds);
    to.fade.gain.setValueCurveAtTime(equalPowerCurve(FADE_POINTS, "in"), now, seconds);
  }

  other(deck: Deck): Deck {
    return this.decks[deck.index === 0 ? 1 : 0];
  }

  /** Stops a deck and forgets what it held. */
  unload(deck: Deck): void {
    deck.audio.pause();
    deck.audio.removeAttribute("src");
    deck.audio.load();
    deck.entryKey = null;
    deck.trackId = null;
    this.resetFade(deck);
  }

  dispose(): void {
    for (const deck of this.decks) {
      deck.audio.pause();
      deck.audio.remove();
    }
    void this.context?.close().catch(() => undefined);
  }
}
