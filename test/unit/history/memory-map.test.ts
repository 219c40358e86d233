// When the history file is memory-mapped: local disks yes, network and user-space file systems no.
import { describe, expect, it } from 'vitest';
import { MMAP_BYTES, macVolumeIsLocal, memoryMapFor } from '../../../main/host/history/memory-map.ts';

const fsOf = (type: number | null) => () => type;

describe('memory mapping of the history file', () => {
  it('maps a file on a local Linux file system', () => {
    expect(memoryMapFor('/home/a/.config/Hookswitch/history.sqlite', 'linux', fsOf(0xef53))).toEqual({ bytes: MMAP_BYTES, reason: null }); // ext4
  });

  // As macOS `mount` prints it: a local APFS data volume, an SMB home, an NFS share, macFUSE.
  const MAC_MOUNTS = [
    '/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)',
    '/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)',
    'map auto_home on /System/Volumes/Data/home (autofs, automounted, nobrowse)',
    '//ann@files.example.com/homes on /Users/ann (smbfs, nodev, nosuid, mounted by ann)',
    'nas.example.com:/export/data on /Volumes/Data (nfs, nodev, nosuid)',
    'sshfs@macfuse0 on /Users/bob/remote (macfuse, nodev, nosuid, synchronous, mounted by bob)',
    '/dev/disk5s1 on /Volumes/My Disk (apfs, local, nodev, nosuid, journaled, noowners)',
    '',
  ].join('\n');

  it('on macOS maps only a file on a volume that mount lists as local', () => {
    const mounts = () => MAC_MOUNTS;
    const at = (file: string) => memoryMapFor(file, 'darwin', fsOf(null), mounts);
    expect(at('/System/Volumes/Data/Users/cem/Library/Application Support/Hookswitch/history.sqlite')).toEqual({ bytes: MMAP_BYTES, reason: null });
    expect(at('/Users/ann/Library/Application Support/Hookswitch/history.sqlite')).toEqual({ bytes: 0, reason: 'the file is not on a local volume' });
    expect(at('/Volumes/Data/Hookswitch/history.sqlite').bytes).toBe(0);
    expect(at('/Users/bob/remote/history.sqlite').bytes).toBe(0);
    expect(at('/Volumes/My Disk/history.sqlite').bytes).toBe(MMAP_BYTES);
    // A folder beside a mount point whose name it starts with is not inside it.
    expect(macVolumeIsLocal(MAC_MOUNTS, '/Users/annette/Library')).toBe(true);
    expect(memoryMapFor('/Users/a/history.sqlite', 'darwin', fsOf(null), () => null)).toEqual({ bytes: 0, reason: 'the file system could not be identified' });
  });

  it('reads without mapping on NFS, SMB/CIFS and FUSE, or when the file system is unknown', () => {
    for (const type of [0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x65735546, 0x01021997, 0x6a656a63]) {
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
