// The Electron SecretStore: values encrypted by safeStorage (Keychain, DPAPI, libsecret/kwallet),
// stored base64 in secrets.json in userData. Without real encryption it refuses; it never writes
// a secret in plain text.
import type { SafeStorage } from 'electron';
import { AppError } from '../core/errors.ts';
import type { Logger, SecretStore } from '../core/ports.ts';
import { SecretsFile } from '../host/secrets-file.ts';

export type SafeStorageLike = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export class SafeStorageSecretStore implements SecretStore {
  private readonly file: SecretsFile;

  constructor(
    private readonly safeStorage: SafeStorageLike,
    path: string,
    private readonly platform: NodeJS.Platform = process.platform,
    logger?: Logger,
  ) {
    this.file = new SecretsFile(path, logger ? { logger } : {});
  }

  /** Real encryption only: on Linux 'basic_text' is a fixed key, no better than plain text. */
  async available(): Promise<boolean> {
    if (!(await this.safeStorage.isAsyncEncryptionAvailable())) return false;
    return this.platform !== 'linux' || this.safeStorage.getSelectedStorageBackend() !== 'basic_text';
  }

  async get(key: string): Promise<string | null> {
    const stored = (await this.file.read()).get(key);
    if (stored === undefined) return null;
    await this.requireEncryption();
    const { result, shouldReEncrypt } = await this.safeStorage.decryptStringAsync(Buffer.from(stored, 'base64'));
    // The OS rotated its key: store the value again under the new one.
    if (shouldReEncrypt) await this.set(key, result);
    return result;
  }

  async set(key: string, value: string): Promise<void> {
    await this.requireEncryption();
    const encrypted = (await this.safeStorage.encryptStringAsync(value)).toString('base64');
    await this.file.update((secrets) => {
      secrets.set(key, encrypted);
    });
  }

  delete(key: string): Promise<void> {
    return this.file.update((secrets) => {
      secrets.delete(key);
    });
  }

  private async requireEncryption(): Promise<void> {
    if (!(await this.available())) {
      throw new AppError('secret-store-unavailable', 'The system keychain is not available; the password cannot be stored safely.');
    }
  }
}
