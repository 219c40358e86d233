import type { ErrorCode, ErrorInfo } from '../../preload/contract.ts';

/** An error meant for the user: its code selects the catalog text the UI shows. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  toInfo(): ErrorInfo {
    return this.fields ? { code: this.code, message: this.message, fields: this.fields } : { code: this.code, message: this.message };
  }
}

/** The message of any thrown value, for logs and details. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Any thrown value as the error half of the envelope; unknown errors keep only their message. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof AppError) return err.toInfo();
  return { code: 'internal', message: messageOf(err) };
}
