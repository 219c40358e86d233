// The web host's SecretStore: the SIP password in plain text in a 0600 file in the data folder.
// Weaker than Electron's safeStorage (any process running as this user can read it); the web host
// is for tests, machines without Electron and thin clients, and says so in ARCHITECTURE.md.
import type { Logger, SecretStore } from '../core/ports.ts';
import { SecretsFile } from '../host/secrets-file.ts';

export class FileSecretStore implements SecretStore {
  private readonly file: SecretsFile;

  constructor(path: string, logger?: Logger) {
    this.file = new SecretsFile(path, logger ? { logger } : {});
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
