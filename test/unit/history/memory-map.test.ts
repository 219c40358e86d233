// When the history file is memory-mapped: local disks yes, network and user-space file systems no.
import { describe, expect, it } from 'vitest';
import { MMAP_BYTES, memoryMapFor } from '../../../main/host/history/memory-map.ts';

const fsOf = (type: number | null) => () => type;

describe('memory mapping of the history file', () => {
  it('maps a file on a local Linux or macOS file system', () => {
    expect(memoryMapFor('/home/a/.config/Hookswitch/history.sqlite', 'linux', fsOf(0xef53))).toEqual({ bytes: MMAP_BYTES, reason: null }); // ext4
    expect(memoryMapFor('/Users/a/Library/Application Support/Hookswitch/history.sqlite', 'darwin', fsOf(0x1a))).toEqual({ bytes: MMAP_BYTES, reason: null });
  });

  it('reads without mapping on NFS, SMB/CIFS and FUSE, or when the file system is unknown', () => {
    for (const type of [0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x65735546]) {
      const d = memoryMapFor('/home/a/.config/Hookswitch/history.sqlite', 'linux', fsOf(type));
      expect(d.bytes).toBe(0);
      expect(d.reason).toContain(`0x${type.toString(16)}`);
    }
    expect(memoryMapFor('/x/history.sqlite', 'linux', fsOf(null))).toEqual({ bytes: 0, reason: 'the file system could not be identified' });
  });

  it('on Windows maps only a file on the system drive, never a UNC path', () => {
    const saved = process.env.SystemDrive;
    process.env.SystemDrive = 'C:';
    try {
      expect(memoryMapFor('C:\\Users\\a\\AppData\\Roaming\\Hookswitch\\history.sqlite', 'win32').bytes).toBe(MMAP_BYTES);
      expect(memoryMapFor('c:/Users/a/history.sqlite', 'win32').bytes).toBe(MMAP_BYTES);
      expect(memoryMapFor('\\\\fileserver\\profiles\\a\\AppData\\Roaming\\Hookswitch\\history.sqlite', 'win32')).toEqual({
        bytes: 0,
        reason: 'the file is on a network share',
      });
      expect(memoryMapFor('H:\\AppData\\Hookswitch\\history.sqlite', 'win32').reason).toBe('the file is not on the system drive C:');
    } finally {
      if (saved === undefined) delete process.env.SystemDrive;
      else process.env.SystemDrive = saved;
    }
  });

  it('asks the real file system here, for a folder that exists and one that does not', () => {
    expect(memoryMapFor('/tmp/history.sqlite').reason).toBeNull();
    expect(memoryMapFor('/no/such/folder/history.sqlite')).toEqual({ bytes: 0, reason: 'the file system could not be identified' });
  });
});
