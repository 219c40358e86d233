// One small JSON file of secrets (name -> string), owner-only (0600) and replaced atomically.
// The web host stores the values as they are (FileSecretStore); the Electron host stores them
// encrypted by safeStorage. Updates are serialised so two saves cannot lose each other's change.
import { chmod, stat } from 'node:fs/promises';
import { z } from 'zod';
import type { SecretStore } from '../core/ports.ts';
import { readTextIfExists, writeFileAtomic } from './atomic-file.ts';

const SecretsJson = z.record(z.string(), z.string());

export class SecretsFile {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  async read(): Promise<Map<string, string>> {
    await this.queue.catch(() => undefined);
    return this.load();
  }

  /** Applies `change` to the current contents and writes the result, one update at a time. */
  update(change: (secrets: Map<string, string>) => void): Promise<void> {
    const next = this.queue
      .catch(() => undefined)
      .then(async () => {
        const secrets = await this.load();
        change(secrets);
        await writeFileAtomic(this.path, `${JSON.stringify(Object.fromEntries(secrets), null, 2)}\n`, 0o600);
      });
    this.queue = next;
    return next;
  }

  private async load(): Promise<Map<string, string>> {
    const text = await readTextIfExists(this.path);
    if (text === null) return new Map();
    await this.tightenMode();
    // A damaged secrets file is an error, not an empty store: treating it as empty would let the
    // next save silently drop every other secret.
    return new Map(Object.entries(SecretsJson.parse(JSON.parse(text))));
  }

  /** A file someone copied in with looser permissions is made owner-only again. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    const info = await stat(this.path);
    if ((info.mode & 0o077) !== 0) await chmod(this.path, 0o600);
  }
}

/**
 * The web host's SecretStore: the SIP password in plain text in a 0600 file in the data folder.
 * Weaker than Electron's safeStorage (any process running as this user can read it); the web host
 * is for tests, machines without Electron and thin clients, and says so in ARCHITECTURE.md.
 */
export class FileSecretStore implements SecretStore {
  private readonly file: SecretsFile;

  constructor(path: string) {
    this.file = new SecretsFile(path);
  }

  get path(): string {
    return this.file.path;
  }

  async get(key: string): Promise<string | null> {
    const secrets = await this.file.read();
    return secrets.get(key) ?? null;
  }

  set(key: string, value: string): Promise<void> {
    return this.file.update((secrets) => {
      secrets.set(key, value);
    });
  }

  delete(key: string): Promise<void> {
    return this.file.update((secrets) => {
      secrets.delete(key);
    });
  }
}
