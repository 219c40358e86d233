// Errors the history store throws. Each carries a code the core maps to the contract's ErrorCode
// (no text for users comes from here), and survives the trip from the worker by its fields.

export type HistoryErrorCode =
  | 'too-long' // a text over its limit: refused before anything is written
  | 'invalid-value' // e.g. a time that is not a finite number, an empty contact name
  | 'no-such-record'
  | 'no-such-contact'
  | 'schema-too-new' // the file was written by a newer Hookswitch: left untouched
  | 'history-unavailable'; // not open, closed, or the worker stopped

export class HistoryStoreError extends Error {
  readonly code: HistoryErrorCode;
  /** The offending field, e.g. `notes` or `numbers[3].number`, when there is one. */
  readonly field: string | undefined;

  constructor(code: HistoryErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'HistoryStoreError';
    this.code = code;
    this.field = field;
  }
}

const codes: readonly HistoryErrorCode[] = ['too-long', 'invalid-value', 'no-such-record', 'no-such-contact', 'schema-too-new', 'history-unavailable'];

export function isHistoryErrorCode(value: unknown): value is HistoryErrorCode {
  return typeof value === 'string' && (codes as readonly string[]).includes(value);
}
