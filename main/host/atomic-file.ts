// Files both hosts keep in their data folder (settings, secrets): replaced atomically so a crash
// or power loss mid-write leaves either the old file or the new one, never half of each.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SettingsFile } from '../core/ports.ts';

/**
 * Writes to a temp file in the same folder (same filesystem), syncs it, then renames it over. The
 * temp file is created with `mode` (exclusively), so the text is never readable by others, not
 * even for a moment; a missing folder is created owner-only.
 */
export async function writeFileAtomic(path: string, text: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/** The file's text, or null when it does not exist yet. */
export async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrnoException(err) && err.code === 'ENOENT') return null;
    throw err;
  }
}

export function isErrnoException(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

/** A timestamp that is safe in file names on every OS (no ':'). */
function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/**
 * Renames an unreadable file to `<path>.corrupt-<timestamp>` beside it and returns the new path.
 * Never deletes: the user (or support) may still recover what was in it.
 */
export async function moveAside(path: string, now: () => Date = () => new Date()): Promise<string> {
  const target = `${path}.corrupt-${fileTimestamp(now())}`;
  await rename(path, target);
  return target;
}

/** The settings JSON at `path`, written atomically; an unreadable file is moved aside, never deleted. */
export function createSettingsFile(path: string, now: () => Date = () => new Date()): SettingsFile {
  return {
    read: () => readTextIfExists(path),
    write: (text) => writeFileAtomic(path, text, 0o600),
    moveAside: () => moveAside(path, now),
  };
}
