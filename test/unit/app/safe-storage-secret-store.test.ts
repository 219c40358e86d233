import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../main/core/errors.ts';
import { fake } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);
const { SafeStorageSecretStore } = await import('../../../main/app/safe-storage-secret-store.ts');

let dir: string;
let path: string;

beforeEach(async () => {
  fake.reset();
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-secrets-'));
  path = join(dir, 'secrets.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SafeStorageSecretStore', () => {
  it('stores only ciphertext, base64, in an owner-only file, and reads it back', async () => {
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'linux');
    await store.set('sip-password', 'correct horse battery staple');
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('correct horse');
    const stored = (JSON.parse(text) as Record<string, string>)['sip-password']!;
    expect(Buffer.from(stored, 'base64').subarray(0, 7).toString()).toBe('FAKEENC');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(store.get('sip-password')).resolves.toBe('correct horse battery staple');
    await expect(store.get('other')).resolves.toBeNull();
    await store.delete('sip-password');
    await expect(store.get('sip-password')).resolves.toBeNull();
  });

  it('refuses to store anything when encryption is not available, and writes nothing', async () => {
    fake.safeStorage.available = false;
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'darwin');
    const error = await store.set('sip-password', 'pw').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('secret-store-unavailable');
    expect(existsSync(path)).toBe(false);
    expect(fake.safeStorage.encrypted).toEqual([]);
  });

  it("treats Linux's basic_text backend (a fixed key) as unavailable", async () => {
    fake.safeStorage.backend = 'basic_text';
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'linux');
    await expect(store.available()).resolves.toBe(false);
    await expect(store.set('sip-password', 'pw')).rejects.toMatchObject({ code: 'secret-store-unavailable' });
    expect(existsSync(path)).toBe(false);
  });

  it('cannot read a stored secret without encryption either, but reports absent ones', async () => {
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'win32');
    await store.set('sip-password', 'pw');
    fake.safeStorage.available = false;
    await expect(store.get('sip-password')).rejects.toMatchObject({ code: 'secret-store-unavailable' });
    await expect(store.get('nothing-here')).resolves.toBeNull();
  });

  it('stores a value again when the OS rotated its key', async () => {
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'darwin');
    await store.set('sip-password', 'pw');
    fake.safeStorage.rotateKey = true;
    await expect(store.get('sip-password')).resolves.toBe('pw');
    expect(fake.safeStorage.encrypted).toEqual(['pw', 'pw']);
  });

  it('moves a damaged file aside (never deletes it) so a password can be stored again', async () => {
    await writeFile(path, '{"sip-password": ', { mode: 0o600 });
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (msg: string) => warnings.push(msg), error() {} };
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'linux', logger);
    await expect(store.get('sip-password')).resolves.toBeNull();
    await store.set('sip-password', 'new-pw');
    await expect(store.get('sip-password')).resolves.toBe('new-pw');
    const aside = (await readdir(dir)).filter((name) => name.startsWith('secrets.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe('{"sip-password": ');
    expect(warnings).toEqual([expect.stringContaining(aside[0]!)]);
  });

  it('keeps concurrent saves of different keys', async () => {
    const store = new SafeStorageSecretStore(fake.safeStorage, path, 'linux');
    await Promise.all([store.set('a', '1'), store.set('b', '2'), store.set('c', '3')]);
    await expect(Promise.all([store.get('a'), store.get('b'), store.get('c')])).resolves.toEqual(['1', '2', '3']);
  });
});
