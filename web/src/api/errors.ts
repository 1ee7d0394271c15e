/** The server's JSON error envelope (`{statusCode, error, message, ...}`) turned into one readable message. */

export interface ErrorEnvelope {
  statusCode?: number;
  error?: string;
  message?: unknown;
  mustChangePassword?: boolean;
  [key: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: ErrorEnvelope | null;

  constructor(status: number, code: string, message: string, body: ErrorEnvelope | null) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.body = body;
  }

  get mustChangePassword(): boolean {
    return this.status === 403 && (this.body?.mustChangePassword === true || this.code === "MustChangePassword");
  }
}

/** Validation errors come as a list (strings or `{field, message}` objects); other errors as one string. */
export function messageOf(body: ErrorEnvelope | null, fallback: string): string {
  const message = body?.message;
  if (typeof message === "string" && message.trim() !== "") return message;
  if (Array.isArray(message)) {
    const parts = message.map((item: unknown) => {
      if (typeof item === "string") return item;
      if (item !== null && typeof item === "object") {
        const { field, message: text } = item as { field?: unknown; message?: unknown };
        if (typeof text === "string") return typeof field === "string" && field ? `${field}: ${text}` : text;
      }
      return "";
    });
    const joined = parts.filter((part) => part !== "").join("; ");
    if (joined) return joined;
  }
  if (typeof body?.error === "string" && body.error) return body.error;
  return fallback;
}

export function errorFromResponse(status: number, statusText: string, body: unknown): ApiError {
  const envelope = body !== null && typeof body === "object" ? (body as ErrorEnvelope) : null;
  const code = typeof envelope?.error === "string" ? envelope.error : statusText || String(status);
  return new ApiError(status, code, messageOf(envelope, statusText || `HTTP ${status}`), envelope);
}
