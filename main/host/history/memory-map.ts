// Whether SQLite may memory-map the history file, and how much of it.
//
// Mapped reads skip a system call and a copy per page: measured at a million calls, the p95 of a
// history search fell from 9.1 ms to 6.6 ms with the same 64 MiB page cache. The price: a read
// error on a mapped page is a signal (SIGBUS, or an in-page exception on Windows) that ends the
// process instead of an SQLITE_IOERR the store could report. Local disks practically never do
// that; network file systems do it whenever the connection drops. So the file is mapped only when
// it is on a file system known to be local (Chromium maps its SQLite files on the same reasoning).
import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';

/** Address space to map: larger than a million calls (456 MB), nothing is allocated up front. */
export const MMAP_BYTES = 1024 * 1024 * 1024;

// statfs(2) f_type of network and user-space file systems (linux/magic.h and the FUSE magic).
const REMOTE_FS_TYPES = new Set<number>([
  0x6969, // NFS
  0x517b, // SMB
  0xfe534d42, // SMB2
  0xff534d42, // CIFS
  0x65735546, // FUSE (sshfs, rclone, GVfs mounts)
  0x564c, // NCP
  0x7461636f, // OCFS2
  0x0bd00bd0, // Lustre
  0x01161970, // GFS2
  0x1373, // devfs (never a home for the file; refuse rather than guess)
  0x73757245, // Coda
  0x6b414653, // AFS
  0x5346414f, // OpenAFS
  0x47504653, // GPFS
  0x19830326, // FhGFS / BeeGFS
  0xa501fcf5, // VXFS
  0x013111a8, // IBRIX
  0x00c36400, // CEPH
  0x01021997, // 9p (WSL2 and virtual machines' shared folders)
  0x6a656a63, // virtiofs
]);

export interface MapDecision {
  bytes: number;
  /** Why the file is read without mapping; null when it is mapped. */
  reason: string | null;
}

/**
 * How much of the file to map. `platform` and `fsType` are parameters so that the rule is
 * testable on any machine; the defaults ask this one.
 */
export function memoryMapFor(
  file: string,
  platform: NodeJS.Platform = process.platform,
  fsType: (file: string) => number | null = statfsType,
  macMounts: () => string | null = mountTable,
): MapDecision {
  if (platform === 'win32') {
    // A UNC path is a share; a drive letter may be a mapped share too, which Node cannot tell
    // apart without GetDriveType, so only the system's own profile drive is trusted.
    if (/^[\\/]{2}/.test(file)) return { bytes: 0, reason: 'the file is on a network share' };
    const systemDrive = (process.env.SystemDrive ?? 'C:').toUpperCase();
    if (!file.toUpperCase().startsWith(systemDrive)) return { bytes: 0, reason: `the file is not on the system drive ${systemDrive}` };
    return { bytes: MMAP_BYTES, reason: null };
  }
  if (platform === 'darwin') {
    // macOS numbers its file system types itself (statfs' f_type is no Linux magic number), so
    // the volume must say that it is local: `mount` lists its flags.
    const table = macMounts();
    if (table === null) return { bytes: 0, reason: 'the file system could not be identified' };
    return macVolumeIsLocal(table, parentOf(file))
      ? { bytes: MMAP_BYTES, reason: null }
      : { bytes: 0, reason: 'the file is not on a local volume' };
  }
  const type = fsType(file);
  if (type === null) return { bytes: 0, reason: 'the file system could not be identified' };
  if (REMOTE_FS_TYPES.has(type)) return { bytes: 0, reason: `the file is on a network or user-space file system (type 0x${type.toString(16)})` };
  return { bytes: MMAP_BYTES, reason: null };
}

/** The folder holding the file: the file itself may not exist yet. */
function parentOf(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut <= 0 ? '/' : file.slice(0, cut);
}

function statfsType(file: string): number | null {
  try {
    return statfsSync(parentOf(file)).type >>> 0;
  } catch {
    return null;
  }
}

function mountTable(): string | null {
  try {
    return execFileSync('/sbin/mount', [], { encoding: 'utf8', timeout: 2000 });
  } catch {
    return null;
  }
}

/**
 * Whether the volume holding `dir` is local, from macOS `mount` output: lines like
 * `/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse)`. The longest mount
 * point that contains the folder is its volume.
 */
export function macVolumeIsLocal(table: string, dir: string): boolean {
  let best: { point: string; local: boolean } | null = null;
  for (const line of table.split('\n')) {
    const m = / on (.+) \(([^()]*)\)\s*$/.exec(line);
    if (!m) continue;
    const point = m[1] ?? '';
    const inside = point === '/' || dir === point || dir.startsWith(`${point}/`);
    if (!inside || (best !== null && best.point.length >= point.length)) continue;
    best = { point, local: (m[2] ?? '').split(',').some((flag) => flag.trim() === 'local') };
  }
  return best?.local ?? false;
}
