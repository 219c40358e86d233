// The one error the report-descriptor parser throws: bad input is data from a device or a file,
// so callers must be able to tell it apart from a bug and say where in the bytes it went wrong.

export type DescriptorErrorCode =
  | 'empty'
  | 'truncatedItem'
  | 'unbalancedCollection'
  | 'unclosedCollection'
  | 'popWithoutPush'
  | 'stackTooDeep'
  | 'badReportId'
  | 'reportCountTooLarge'
  | 'reportSizeTooLarge'
  | 'reportTooLong'
  | 'badHexText';

export class HidDescriptorError extends Error {
  readonly code: DescriptorErrorCode;
  /** Byte offset in the descriptor (for `badHexText`: character offset in the text). */
  readonly offset: number;

  constructor(code: DescriptorErrorCode, offset: number, detail: string) {
    const where = code === 'badHexText' ? `character ${offset}` : `byte ${offset} (0x${offset.toString(16).padStart(4, '0')})`;
    super(`${detail} at ${where}`);
    this.name = 'HidDescriptorError';
    this.code = code;
    this.offset = offset;
  }
}
