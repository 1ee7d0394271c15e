/**
 * The playback engine: the queue (queue.ts) played on two decks (decks.ts) with preloading,
 * crossfade and loudness normalisation, play/skip reports and playback state sent to the
 * server, the Media Session, and the session kept across reloads. Pages reach it through
 * usePlayer() / usePlayerState().
 *
 * For tests and debugging, `window.__echoPlayer` exposes the state and the Web Audio graph:
 * `__echoPlayer.graph()` lists each deck's track, whether it is active, and the value of its
 * normalisation and crossfade GainNodes (`normalizationDb` is 20·log10 of the node's gain).
 */
import type { KeyValueStorage } from "../api/tokens";
import { planTransition } from "./crossfade";
import { DeckPair, type Deck } from "./decks";
import { chooseGain, linearToDb } from "./gain";
import * as session from "./mediaSession";
import * as persistence from "./persistence";
import * as queue from "./queue";
import { ListeningMeter, reportFor, type LeaveReason } from "./reporting";
import { issueStreamToken, moreTracks, PlaybackStateReporter, sendReport, streamUrl } from "./server";
import { validSettings } from "./settings";
import { INITIAL_STATE, type PlayerActions, type PlayerState } from "./state";
import { StreamTokenKeeper } from "./streamToken";
import type { PlaySource, QueueEntry } from "./types";

const DIRECT: PlaySource = { context: "direct" };
const QUEUED: PlaySource = { context: "queue" };
/** Save the position this often while playing, so a reload comes back close to it. */
const SAVE_POSITION_MS = 2000;
/** Autoplay tops the queue up when this few tracks are left. */
const AUTOPLAY_WHEN_LEFT = 3;
const AUTOPLAY_COUNT = 20;

interface LoadOptions {
  play: boolean;
  position?: number;
}

export interface GraphReading {
  deck: number;
  active: boolean;
  trackId: string | null;
  normalizationDb: number | null;
  normalizationGain: number | null;
  fadeGain: number | null;
  currentTime: number;
  paused: boolean;
}

declare global {
  interface Window {
    __echoPlayer?: { state: () => PlayerState; graph: () => GraphReading[] };
  }
}

export class PlayerEngine {
  private state: PlayerState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();
  private decks: DeckPair | null = null;
  private active: Deck | null = null;
  private userId: string | null = null;
  private readonly storage: KeyValueStorage | null = typeof localStorage === "undefined" ? null : localStorage;
  private readonly tokens: StreamTokenKeeper;
  private readonly playbackState = new PlaybackStateReporter();
  private meter = new ListeningMeter();
  /** The entry the meter counts for, so a report goes to the right track. */
  private metered: QueueEntry | null = null;
  private fading: { to: Deck; timer: ReturnType<typeof setTimeout> } | null = null;
  private lastSaved = 0;
  private retried: string | null = null;
  private autoplayBusy = false;
  private detach: Array<() => void> = [];
  readonly actions: PlayerActions;

  constructor() {
    this.tokens = new StreamTokenKeeper(issueStreamToken, undefined, (token) => {
      if (this.storage && this.userId) persistence.saveStreamToken(this.storage, this.userId, token);
    });
    this.actions = {
      playTracks: (tracks, startIndex = 0, source = DIRECT) => {
        if (tracks.length === 0) return;
        this.leave("replaced");
        this.changeQueue(queue.playNow(this.state.queue, tracks, startIndex, source));
        this.loadCurrent({ play: true });
      },
      playNext: (tracks, source = QUEUED) => this.enqueue(queue.playNext(this.state.queue, tracks, source)),
      addToQueue: (tracks, source = QUEUED) => this.enqueue(queue.addToQueue(this.state.queue, tracks, source)),
      play: () => this.play(),
      pause: () => this.pause(),
      togglePlay: () => (this.state.playing ? this.pause() : this.play()),
      next: () => {
        const index = queue.nextIndex(this.state.queue, false);
        if (index === null) return;
        this.goTo(index, "next");
      },
      previous: () => {
        const action = queue.previousAction(this.state.queue, this.position());
        if (action.kind === "restart") this.seek(0);
        else this.goTo(action.index, "previous");
      },
      seek: (seconds) => this.seek(seconds),
      seekBy: (seconds) => this.seek(this.position() + seconds),
      setVolume: (volume) => this.setVolume(Math.min(1, Math.max(0, volume)), false),
      toggleMute: () => this.setVolume(this.state.volume, !this.state.muted),
      toggleShuffle: () => {
        this.changeQueue(queue.setShuffle(this.state.queue, !queue.isShuffled(this.state.queue)));
        this.dropPreload();
      },
      cycleRepeat: () => {
        this.changeQueue(queue.setRepeat(this.state.queue, queue.nextRepeatMode(this.state.queue.repeat)));
        this.dropPreload();
      },
      jumpTo: (index) => {
        if (index === this.state.queue.current) return this.play();
        this.goTo(index, "jump");
      },
      removeAt: (index) => {
        const wasCurrent = index === this.state.queue.current;
        if (wasCurrent) this.leave("jump");
        this.changeQueue(queue.removeAt(this.state.queue, index));
        if (wasCurrent) {
          if (queue.currentEntry(this.state.queue)) this.loadCurrent({ play: this.state.playing });
          else this.stop();
        }
        this.dropPreload();
      },
      move: (from, to) => {
        this.changeQueue(queue.move(this.state.queue, from, to));
        this.dropPreload();
      },
      clearQueue: () => {
        this.changeQueue(queue.clearQueue(this.state.queue, true));
        this.dropPreload();
      },
      updateSettings: (changes) => {
        const settings = validSettings({ ...this.state.settings, ...changes });
        this.set({ settings });
        if (this.storage && this.userId) persistence.saveSettings(this.storage, this.userId, settings);
        this.applyGain();
      },
    };
  }

  getState = (): PlayerState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Window listeners and the debug handle; undone by the returned function. */
  attach(): () => void {
    const save = () => this.saveSession();
    const hidden = () => document.visibilityState === "hidden" && save();
    window.addEventListener("pagehide", save);
    document.addEventListener("visibilitychange", hidden);
    const handlers = session.installHandlers({
      play: () => this.play(),
      pause: () => this.pause(),
      stop: () => this.pause(),
      next: () => this.actions.next(),
      previous: () => this.actions.previous(),
      seekTo: (seconds) => this.seek(seconds),
      seekBy: (seconds) => this.seek(this.position() + seconds),
    });
    window.__echoPlayer = { state: () => this.state, graph: () => this.graph() };
    this.detach = [() => window.removeEventListener("pagehide", save), () => document.removeEventListener("visibilitychange", hidden), handlers];
    return () => {
      for (const undo of this.detach) undo();
      this.detach = [];
      delete window.__echoPlayer;
    };
  }

  /** The signed-in user changed: their queue and settings come back; logging out stops playback. */
  setUser(userId: string | null): void {
    if (userId === this.userId) return;
    if (this.userId) this.saveSession();
    this.stop();
    this.tokens.reset();
    this.playbackState.reset();
    this.userId = userId;
    if (!userId || !this.storage) {
      this.set({ ...INITIAL_STATE });
      return;
    }
    this.tokens.restore(persistence.loadStreamToken(this.storage, userId));
    const saved = persistence.loadSession(this.storage, userId);
    const current = queue.currentEntry(saved.queue);
    this.set({
      ...INITIAL_STATE,
      queue: saved.queue,
      position: current ? Math.min(saved.position, current.track.duration || saved.position) : 0,
      duration: current?.track.duration ?? 0,
      volume: saved.volume,
      muted: saved.muted,
      settings: persistence.loadSettings(this.storage, userId),
    });
    this.decks?.setVolume(saved.volume, saved.muted);
    session.showTrack(current?.track ?? null);
  }

  dispose(): void {
    this.saveSession();
    this.stop();
    this.decks?.dispose();
    this.decks = null;
  }

  private set(changes: Partial<PlayerState>): void {
    this.state = { ...this.state, ...changes };
    for (const listener of this.listeners) listener();
  }

  private changeQueue(next: queue.QueueState): void {
    const before = queue.currentEntry(this.state.queue);
    this.set({ queue: next });
    // In auto mode the neighbours decide between album and track gain.
    if (before && before === queue.currentEntry(next)) this.applyGain();
    this.saveSession();
    void this.topUp();
  }

  private position(): number {
    return this.active ? this.active.audio.currentTime : this.state.position;
  }

  // ---- decks ----------------------------------------------------------------------------

  private deckPair(): DeckPair {
    if (this.decks) return this.decks;
    let container = document.getElementById("echo-audio");
    if (!container) {
      container = document.createElement("div");
      container.id = "echo-audio";
      container.hidden = true;
      document.body.appendChild(container);
    }
    const decks = new DeckPair(container);
    for (const deck of decks.decks) this.listen(deck);
    decks.setVolume(this.state.volume, this.state.muted);
    this.decks = decks;
    return decks;
  }

  private listen(deck: Deck): void {
    const audio = deck.audio;
    const isActive = () => deck === this.active;
    audio.addEventListener("playing", () => isActive() && this.set({ playing: true, buffering: false, error: null }));
    audio.addEventListener("play", () => {
      if (!isActive()) return;
      this.meter.jump(audio.currentTime);
      this.set({ playing: true });
      this.reportState();
      session.showPosition(audio.currentTime, this.state.duration, audio.playbackRate);
    });
    audio.addEventListener("pause", () => {
      if (!isActive() || audio.ended) return;
      this.meter.jump();
      this.set({ playing: false });
      this.reportState();
      this.saveSession();
    });
    audio.addEventListener("waiting", () => isActive() && this.set({ buffering: true }));
    audio.addEventListener("seeking", () => {
      if (!isActive()) return;
      this.meter.jump();
      this.set({ position: audio.currentTime });
    });
    audio.addEventListener("seeked", () => {
      if (!isActive()) return;
      this.meter.jump(audio.currentTime);
      this.set({ position: audio.currentTime });
      session.showPosition(audio.currentTime, this.state.duration, audio.playbackRate);
      this.saveSession();
    });
    audio.addEventListener("durationchange", () => {
      if (!isActive() || !Number.isFinite(audio.duration) || audio.duration <= 0) return;
      this.set({ duration: audio.duration });
      session.showPosition(audio.currentTime, audio.duration, audio.playbackRate);
    });
    audio.addEventListener("timeupdate", () => isActive() && this.tick());
    audio.addEventListener("ended", () => isActive() && this.ended());
    audio.addEventListener("error", () => isActive() && void this.failed(deck));
  }

  /** Position updates: listening time, the saved position, preloading and the crossfade. */
  private tick(): void {
    const active = this.active;
    if (!active) return;
    const audio = active.audio;
    const position = audio.currentTime;
    if (!audio.paused) this.meter.advance(position);
    this.set({ position });
    const now = Date.now();
    if (now - this.lastSaved > SAVE_POSITION_MS) this.saveSession();
    if (audio.paused || this.fading) return;

    const upcomingIndex = queue.nextIndex(this.state.queue, true);
    const upcoming = upcomingIndex === null ? null : this.state.queue.entries[upcomingIndex];
    const current = queue.currentEntry(this.state.queue);
    if (!current || !upcoming || upcoming.key === current.key) return;
    const plan = planTransition({
      duration: this.state.duration,
      crossfadeSeconds: this.state.settings.crossfadeSeconds,
      hasNext: true,
      repeatOne: this.state.queue.repeat === "one",
      nextDuration: upcoming.track.duration,
      outroStart: current.track.outroStart,
    });
    if (position >= plan.preloadAt) this.preload(upcoming);
    if (plan.fadeAt !== null && position >= plan.fadeAt && this.decks?.hasGraph) this.crossfadeTo(upcomingIndex as number, plan.fadeSeconds);
  }

  private preload(entry: QueueEntry): void {
    const decks = this.deckPair();
    if (!this.active) return;
    const spare = decks.other(this.active);
    if (spare.entryKey === entry.key) return;
    const token = this.tokens.peek();
    if (!token) {
      void this.tokens.get().catch(() => undefined);
      return;
    }
    spare.audio.pause();
    spare.entryKey = entry.key;
    spare.trackId = entry.track.id;
    spare.audio.src = streamUrl(entry.track.id, token);
    spare.audio.preload = "auto";
    spare.audio.load();
  }

  /** The spare deck no longer holds the right next track (the queue or repeat changed). */
  private dropPreload(): void {
    if (!this.decks || !this.active || this.fading) return;
    const spare = this.decks.other(this.active);
    const upcomingIndex = queue.nextIndex(this.state.queue, true);
    const upcoming = upcomingIndex === null ? null : this.state.queue.entries[upcomingIndex];
    if (spare.entryKey !== null && spare.entryKey !== upcoming?.key) this.decks.unload(spare);
  }

  /** Starts the next track on the spare deck and fades between the two. */
  private crossfadeTo(index: number, seconds: number): void {
    const decks = this.deckPair();
    const from = this.active;
    const entry = this.state.queue.entries[index];
    if (!from || !entry) return;
    const to = decks.other(from);
    if (to.entryKey !== entry.key) this.preload(entry);
    if (to.entryKey !== entry.key) return;
    this.leave("ended");
    this.changeQueue(queue.jumpTo(this.state.queue, index));
    this.activate(to, entry);
    to.audio.currentTime = 0;
    decks.crossfade(from, to, seconds);
    void to.audio.play().catch(() => undefined);
    const timer = setTimeout(() => {
      this.fading = null;
      if (this.active !== from) decks.unload(from);
      if (this.active) decks.resetFade(this.active);
    }, seconds * 1000 + 100);
    this.fading = { to, timer };
  }

  private cancelFade(): void {
    if (!this.fading || !this.decks) return;
    clearTimeout(this.fading.timer);
    const outgoing = this.decks.other(this.fading.to);
    this.fading = null;
    this.decks.unload(outgoing);
    if (this.active) this.decks.resetFade(this.active);
  }

  /** Makes `deck` the one the state follows, with the gain and metadata of `entry`. */
  private activate(deck: Deck, entry: QueueEntry): void {
    this.active = deck;
    for (const each of this.deckPair().decks) each.audio.dataset.active = String(each === deck);
    this.meter = new ListeningMeter();
    this.metered = entry;
    this.retried = null;
    this.set({ position: 0, duration: entry.track.duration, error: null, buffering: false });
    this.applyGain();
    session.showTrack(entry.track);
    this.reportState();
  }

  /** Loads the current entry (reusing a preloaded deck) and plays it when asked. */
  private loadCurrent(options: LoadOptions): void {
    const entry = queue.currentEntry(this.state.queue);
    if (!entry) return this.stop();
    const decks = this.deckPair();
    decks.ensureGraph();
    this.cancelFade();
    const spare = this.active ? decks.other(this.active) : null;
    if (spare && spare.entryKey === entry.key && options.position === undefined) {
      if (this.active) decks.unload(this.active);
      this.activate(spare, entry);
      decks.resetFade(spare);
      spare.audio.currentTime = 0;
      if (options.play) this.playActive();
      return;
    }
    const deck = this.active ?? decks.decks[0];
    if (spare) decks.unload(spare);
    decks.resetFade(deck);
    deck.audio.pause();
    deck.entryKey = entry.key;
    deck.trackId = entry.track.id;
    this.activate(deck, entry);
    if (options.position) this.set({ position: options.position });
    this.set({ buffering: options.play, playing: options.play });
    void this.setSource(deck, entry, options);
  }

  private async setSource(deck: Deck, entry: QueueEntry, options: LoadOptions): Promise<void> {
    let token: string;
    try {
      token = await this.tokens.get();
    } catch {
      if (this.active === deck) this.set({ error: "stream", playing: false, buffering: false });
      return;
    }
    if (deck.entryKey !== entry.key || this.active !== deck) return; // something else was chosen meanwhile
    const audio = deck.audio;
    audio.src = streamUrl(entry.track.id, token);
    if (options.position && options.position > 0) {
      const position = options.position;
      audio.addEventListener("loadedmetadata", () => {
        if (deck.entryKey === entry.key) audio.currentTime = Math.min(position, Number.isFinite(audio.duration) ? audio.duration : position);
      }, { once: true });
    }
    audio.load();
    if (options.play) this.playActive();
  }

  private playActive(): void {
    const active = this.active;
    if (!active) return;
    this.deckPair().ensureGraph();
    active.audio.play().catch((error: unknown) => {
      // Blocked autoplay (no user gesture) or an aborted load: show the play button again.
      if (this.active === active && !(error instanceof DOMException && error.name === "AbortError")) this.set({ playing: false, buffering: false });
    });
  }

  private play(): void {
    if (this.active && this.active.entryKey === queue.currentEntry(this.state.queue)?.key && this.active.audio.src) {
      this.playActive();
      return;
    }
    // After a reload: the restored track continues where it was.
    if (queue.currentEntry(this.state.queue)) this.loadCurrent({ play: true, position: this.state.position });
  }

  private pause(): void {
    this.cancelFade();
    this.active?.audio.pause();
    this.set({ playing: false, buffering: false });
  }

  private stop(): void {
    if (this.fading) clearTimeout(this.fading.timer);
    this.fading = null;
    if (this.decks) for (const deck of this.decks.decks) this.decks.unload(deck);
    this.active = null;
    this.metered = null;
    this.set({ playing: false, buffering: false, position: 0 });
    this.reportState();
  }

  private seek(seconds: number): void {
    const duration = this.state.duration;
    const target = Math.max(0, Math.min(seconds, duration > 0 ? duration - 0.1 : seconds));
    this.cancelFade();
    if (this.active?.audio.src) {
      this.active.audio.currentTime = target;
    }
    this.set({ position: target });
    this.saveSession();
  }

  private setVolume(volume: number, muted: boolean): void {
    this.set({ volume, muted });
    this.deckPair().setVolume(volume, muted);
    this.saveSession();
  }

  /** The normalisation gain of the active track, from the current settings. */
  private applyGain(): void {
    const active = this.active;
    const entry = queue.currentEntry(this.state.queue);
    if (!active || !entry || !this.decks) {
      this.set({ gainDb: null });
      return;
    }
    const { entries, current } = this.state.queue;
    const albumNeighbours = [entries[current - 1], entries[current + 1]].some((other) => other?.track.albumId === entry.track.albumId);
    const { settings } = this.state;
    const choice = chooseGain(entry.track, { enabled: settings.normalization, targetLufs: settings.targetLufs, mode: settings.normalizationMode, albumNeighbours });
    this.decks.setGain(active, choice.db);
    active.audio.dataset.gainDb = choice.db.toFixed(2);
    this.set({ gainDb: settings.normalization ? choice.db : null });
  }

  // ---- moving through the queue --------------------------------------------------------

  private goTo(index: number, reason: LeaveReason): void {
    this.leave(reason);
    this.changeQueue(queue.jumpTo(this.state.queue, index));
    this.loadCurrent({ play: true });
  }

  private enqueue(next: queue.QueueState): void {
    const wasEmpty = this.state.queue.entries.length === 0;
    this.changeQueue(next);
    if (wasEmpty) this.loadCurrent({ play: true });
    else this.dropPreload();
  }

  private ended(): void {
    const index = queue.nextIndex(this.state.queue, true);
    this.leave("ended");
    if (index === null) {
      // End of the queue: back to the start of the last track, paused.
      this.set({ playing: false, position: 0 });
      if (this.active) this.active.audio.currentTime = 0;
      this.reportState();
      this.saveSession();
      return;
    }
    if (index === this.state.queue.current && this.active) {
      // Repeat one: the same entry again, counted as a new play.
      this.meter = new ListeningMeter();
      this.metered = queue.currentEntry(this.state.queue);
      this.active.audio.currentTime = 0;
      this.playActive();
      return;
    }
    this.changeQueue(queue.jumpTo(this.state.queue, index));
    this.loadCurrent({ play: true });
  }

  /** Reports the track being left (play after 30 %, skip before on "next"). */
  private leave(reason: LeaveReason): void {
    const entry = this.metered;
    if (!entry) return;
    const duration = this.active && Number.isFinite(this.active.audio.duration) && this.active.audio.duration > 0 ? this.active.audio.duration : entry.track.duration;
    if (reason === "ended") this.meter.advance(duration);
    const report = reportFor(this.meter.heard, duration, reason);
    this.metered = null;
    this.meter = new ListeningMeter();
    if (report && this.userId) sendReport(entry.track.id, entry.source, report);
  }

  private async failed(deck: Deck): Promise<void> {
    const entry = queue.currentEntry(this.state.queue);
    if (!entry || deck.entryKey !== entry.key) return;
    // The token may have been replaced (one per user: another tab or device renewed it).
    if (this.retried !== entry.key) {
      this.retried = entry.key;
      const position = this.state.position;
      const wasPlaying = this.state.playing;
      try {
        // A token renewed since this stream started is used as it is; else a new one.
        const inHand = this.tokens.peek();
        if (inHand === null || deck.audio.src.includes(`token=${encodeURIComponent(inHand)}`)) await this.tokens.renew();
      } catch {
        // the retry below fails the same way and shows the error
      }
      if (this.active === deck && deck.entryKey === entry.key) void this.setSource(deck, entry, { play: wasPlaying, position });
      return;
    }
    this.set({ error: "stream", playing: false, buffering: false });
  }

  private reportState(): void {
    if (!this.userId) return;
    const entry = queue.currentEntry(this.state.queue);
    const playing = this.state.playing && this.active !== null;
    session.showPlaying(playing);
    this.playbackState.update(playing, entry?.track.id ?? null);
  }

  /** Autoplay: a few tracks before the queue ends, more music is added. */
  private async topUp(): Promise<void> {
    const { queue: state, settings } = this.state;
    if (!settings.autoplay || this.autoplayBusy || state.current < 0 || state.repeat !== "off") return;
    if (state.entries.length - 1 - state.current >= AUTOPLAY_WHEN_LEFT) return;
    this.autoplayBusy = true;
    try {
      const tracks = await moreTracks(new Set(state.entries.map((entry) => entry.track.id)), AUTOPLAY_COUNT);
      if (tracks.length > 0) this.changeQueue(queue.addToQueue(this.state.queue, tracks, { context: "recommendation" }));
    } catch {
      // No more music this time; the queue just ends.
    } finally {
      this.autoplayBusy = false;
    }
  }

  private saveSession(): void {
    if (!this.storage || !this.userId) return;
    this.lastSaved = Date.now();
    persistence.saveSession(this.storage, this.userId, { queue: this.state.queue, position: this.position(), volume: this.state.volume, muted: this.state.muted });
  }

  private graph(): GraphReading[] {
    if (!this.decks) return [];
    return this.decks.decks.map((deck) => {
      const gain = deck.normalization?.gain.value ?? null;
      return {
        deck: deck.index,
        active: deck === this.active,
        trackId: deck.trackId,
        normalizationGain: gain,
        normalizationDb: gain === null ? null : Math.round(linearToDb(gain) * 1000) / 1000,
        fadeGain: deck.fade?.gain.value ?? null,
        currentTime: deck.audio.currentTime,
        paused: deck.audio.paused,
      };
    });
  }
}
