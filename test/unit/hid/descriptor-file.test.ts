// A descriptor file is hex text or raw bytes, told apart by its content.
import { describe, expect, it } from 'vitest';
import { HidDescriptorError } from '../../../main/core/hid/descriptor/descriptor-error.ts';
import { decodeDescriptorFile } from '../../../main/core/hid/descriptor/descriptor-file.ts';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('descriptor files', () => {
  it('reads the fixture format: # header, then HEX: and hex bytes', () => {
    const file = text('# Device : x\n# NOTE: 05 0b would be hex too\n\nHEX:\n05 0b 09 05\na1 01 c0\n');
    expect(Array.from(decodeDescriptorFile(file))).toEqual([0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0]);
  });

  it('reads bare hex, upper or lower case, spaced or not, with comment lines', () => {
    expect(Array.from(decodeDescriptorFile(text('# from sysfs\n050B 0905\r\nA101C0\n')))).toEqual([0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0]);
  });

  it('passes raw bytes through', () => {
    const raw = Uint8Array.from([0x05, 0x0b, 0x09, 0x05, 0xa1, 0x01, 0xc0]);
    expect(decodeDescriptorFile(raw)).toEqual(raw);
  });

  it('treats text that is not all hex as raw bytes', () => {
    const raw = text('hello world');
    expect(decodeDescriptorFile(raw)).toEqual(raw);
  });

  it('refuses bad hex after HEX: with the character offset', () => {
    const err = (() => {
      try {
        decodeDescriptorFile(text('HEX:\n05 0b 0z'));
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(HidDescriptorError);
    expect(err).toMatchObject({ code: 'badHexText', offset: 11 });
    expect(() => decodeDescriptorFile(text('HEX: 05 0b 9'))).toThrow(/odd number of hex digits at character 11/);
  });
});
