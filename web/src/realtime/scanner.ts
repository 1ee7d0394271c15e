/**
 * The /scanner Socket.IO namespace (admins only): scan progress, errors, completion and library
 * changes. socket.io-client is loaded on first use, so it stays out of the initial bundle.
 */
import type { Socket } from "socket.io-client";
import { tokens } from "../api";

export interface ScanProgressEvent {
  scanId: string;
  status?: string;
  progress?: number;
  [key: string]: unknown;
}

export interface ScannerEvents {
  "scan:progress": (event: ScanProgressEvent) => void;
  "scan:completed": (event: ScanProgressEvent) => void;
  "scan:error": (event: { scanId: string; file: string | null; error: string }) => void;
  "library:change": (event: { type: string; timestamp: string }) => void;
  /** Also after a reconnection: events sent while disconnected are lost, so refetch then. */
  connect: () => void;
  "lufs:progress": (event: AnalysisProgressEvent) => void;
  "dj:progress": (event: AnalysisProgressEvent) => void;
}

/** `lufs:progress` / `dj:progress`: the last value is replayed to a client when it connects. */
export interface AnalysisProgressEvent {
  isRunning: boolean;
  pendingTracks: number;
  processedInSession: number;
  estimatedTimeRemaining: number | null;
}

interface Emitter {
  on(event: string, listener: (...args: never[]) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
}

let socket: Promise<Socket> | null = null;

/** One shared connection; it authenticates with the current access token at each (re)connect. */
export function scannerSocket(): Promise<Socket> {
  socket ??= import("socket.io-client").then(({ io }) =>
    io("/scanner", {
      path: "/socket.io",
      transports: ["websocket"],
      auth: (send) => send({ token: tokens.get()?.accessToken ?? "" }),
    }),
  );
  return socket;
}

/** Listens to one scanner event until the returned function is called. */
export function onScannerEvent<E extends keyof ScannerEvents>(event: E, listener: ScannerEvents[E]): () => void {
  let stopped = false;
  let detach: () => void = () => undefined;
  void scannerSocket().then((connection) => {
    if (stopped) return;
    // socket.io types listeners per event map; ScannerEvents above is the typing that matters.
    const emitter = connection as unknown as Emitter;
    emitter.on(event, listener);
    detach = () => {
      emitter.off(event, listener);
    };
  });
  return () => {
    stopped = true;
    detach();
  };
}

/**
 * Asks the scanner to pause, resume or cancel a scan; resolves with the server's answer, which
 * is `{status: "error", message}` when it refused (e.g. the scan already ended).
 */
export async function scannerCommand(
  action: "pause" | "resume" | "cancel",
  scanId: string,
): Promise<{ scanId?: string; status?: string; message?: string }> {
  const connection = await scannerSocket();
  return (await connection.timeout(15000).emitWithAck(`scanner:${action}`, { scanId })) as { scanId?: string; status?: string; message?: string };
}

/** Drops the connection (on logout), so the next user connects with their own token. */
export function closeScannerSocket(): void {
  const current = socket;
  socket = null;
  void current?.then((connection) => connection.disconnect());
}
