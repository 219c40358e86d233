// One small JSON file of secrets (name -> string), owner-only (0600) and replaced atomically.
// The web host stores the values as they are (FileSecretStore); the Electron host stores them
// encrypted by safeStorage. Reads and updates are serialised so two saves cannot lose each
// other's change, and a damaged file is moved aside once, not by two readers at the same time.
import { chmod, stat } from 'node:fs/promises';
import { z } from 'zod';
import { silentLogger } from '../core/ports.ts';
import type { Logger } from '../core/ports.ts';
import { moveAside, readTextIfExists, writeFileAtomic } from './atomic-file.ts';

const SecretsJson = z.record(z.string(), z.string());

export interface SecretsFileOptions {
  logger?: Logger;
  /** The clock for the name of a moved-aside file. */
  now?: () => Date;
}

export class SecretsFile {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly logger: Logger;
  private readonly now: () => Date;

  constructor(
    readonly path: string,
    options: SecretsFileOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  read(): Promise<Map<string, string>> {
    return this.enqueue(() => this.load());
  }

  /** Applies `change` to the current contents and writes the result, one update at a time. */
  update(change: (secrets: Map<string, string>) => void): Promise<void> {
    return this.enqueue(async () => {
      const secrets = await this.load();
      change(secrets);
      await writeFileAtomic(this.path, `${JSON.stringify(Object.fromEntries(secrets), null, 2)}\n`, 0o600);
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.catch(() => undefined).then(work);
    this.queue = next;
    return next;
  }

  private async load(): Promise<Map<string, string>> {
    const text = await readTextIfExists(this.path);
    if (text === null) return new Map();
    await this.tightenMode();
    const parsed = parseSecrets(text);
    if (parsed !== null) return parsed;
    // A damaged file must not lock the user out of storing a password for good, and must not be
    // overwritten either (what is in it may still be recovered): move it aside and start empty.
    const aside = await moveAside(this.path, this.now);
    this.logger.warn(`secrets file ${this.path} is damaged; moved it to ${aside} and started empty`);
    return new Map();
  }

  /** A file someone copied in with looser permissions is made owner-only again. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    const info = await stat(this.path);
    if ((info.mode & 0o077) !== 0) await chmod(this.path, 0o600);
  }
}

/** The secrets in `text`, or null when it is not a JSON object of strings. */
function parseSecrets(text: string): Map<string, string> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const result = SecretsJson.safeParse(json);
  return result.success ? new Map(Object.entries(result.data)) : null;
}
