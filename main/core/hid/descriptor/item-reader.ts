// Splits a report descriptor into items (HID 1.11 §6.2.2.2 short items, §6.2.2.3 long items).
// Every item advances by at least one byte, so reading always ends.
import { HidDescriptorError } from './descriptor-error.ts';

export type ItemType = 'main' | 'global' | 'local' | 'reserved';

export interface ShortItem {
  /** Byte offset of the item's prefix. */
  offset: number;
  type: ItemType;
  tag: number;
  /** Number of data bytes: 0, 1, 2 or 4. */
  size: 0 | 1 | 2 | 4;
  /** The data read as an unsigned little-endian number. */
  unsigned: number;
  /** The data read as a two's-complement number of its own size. */
  signed: number;
}

const TYPES: readonly ItemType[] = ['main', 'global', 'local', 'reserved'];
const SIZES = [0, 1, 2, 4] as const;
const LONG_ITEM_PREFIX = 0xfe;

/** Yields the short items in order; long items (no defined use in HID 1.11) are skipped whole. */
export function* readItems(bytes: Uint8Array): Generator<ShortItem> {
  let pos = 0;
  while (pos < bytes.length) {
    const prefix = bytes[pos] ?? 0;
    if (prefix === LONG_ITEM_PREFIX) {
      // 0xFE, bDataSize, bLongItemTag, then bDataSize bytes.
      const dataSize = bytes[pos + 1];
      if (dataSize === undefined || pos + 3 + dataSize > bytes.length) {
        throw new HidDescriptorError('truncatedItem', pos, 'long item runs past the end of the descriptor');
      }
      pos += 3 + dataSize;
      continue;
    }
    const size = SIZES[prefix & 0x03] ?? 0;
    if (pos + 1 + size > bytes.length) {
      throw new HidDescriptorError(
        'truncatedItem',
        pos,
        `item 0x${prefix.toString(16).padStart(2, '0')} needs ${size} data byte(s) but ${bytes.length - pos - 1} remain`,
      );
    }
    let unsigned = 0;
    for (let i = size - 1; i >= 0; i--) unsigned = unsigned * 256 + (bytes[pos + 1 + i] ?? 0);
    const signed = size === 0 ? 0 : unsigned >= 2 ** (8 * size - 1) ? unsigned - 2 ** (8 * size) : unsigned;
    yield { offset: pos, type: TYPES[(prefix >> 2) & 0x03] ?? 'reserved', tag: prefix >> 4, size, unsigned, signed };
    pos += 1 + size;
  }
}
