// The settings as main holds them: loaded once from the SettingsFile port, saved after
// validation. Secrets (SIP passwords, webhook signing keys) never enter the file: each lives in
// the SecretStore under its own key, and the view says only which ones are stored.
import { Settings } from '../../../preload/contract.ts';
import type { SettingsView } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import type { Logger, SecretStore, SettingsFile } from '../ports.ts';
import { parseAccelerator } from '../cti/accelerator.ts';
import { normalizeOrigin } from '../cti/api-guard.ts';
import { defaultSettings } from './settings-defaults.ts';
import { FIRST_ACCOUNT_ID, upgradeSettings } from './settings-upgrade.ts';
import { validateSettings } from './settings-validation.ts';

/** Where an account's password lives in the SecretStore. */
export function passwordKey(accountId: string): string {
  return `account.${accountId}.password`;
}
/** Where a webhook's signing secret lives in the SecretStore. */
export function webhookSecretKey(hookId: string): string {
  return `webhook.${hookId}.secret`;
}

/** Secrets kept per item of a settings list: an account's password, a webhook's signing key. */
type SecretKind = 'password' | 'webhook';
const SECRET_KINDS: Record<SecretKind, { key: (id: string) => string; ids: (s: Settings) => string[]; field: string; missing: string; what: string }> = {
  password: { key: passwordKey, ids: (s) => s.accounts.map((a) => a.id), field: 'passwords', missing: 'no-such-account', what: 'password' },
  webhook: { key: webhookSecretKey, ids: (s) => s.webhooks.map((w) => w.id), field: 'webhookSecrets', missing: 'no-such-webhook', what: 'webhook secret' },
};

/** The one password of a version before several accounts were possible. */
export const SINGLE_ACCOUNT_PASSWORD_KEY = 'account.password';

export interface SettingsStoreOptions {
  file: SettingsFile;
  secrets: SecretStore;
  logger: Logger;
}

/** Spaces typed around an address or a name are not part of it. */
function normalized(settings: Settings): Settings {
  return {
    ...settings,
    accounts: settings.accounts.map((a) => ({
      ...a,
      label: a.label.trim(),
      wsUrl: a.wsUrl.trim(),
      sipUri: a.sipUri.trim(),
      authUser: a.authUser.trim(),
      displayName: a.displayName.trim(),
    })),
    screenPop: { ...settings.screenPop, crmUrlTemplate: settings.screenPop.crmUrlTemplate.trim() },
    // A shortcut is kept in Electron's own spelling, so the host registers what the user sees.
    clickToDial: { ...settings.clickToDial, shortcut: parseAccelerator(settings.clickToDial.shortcut.trim()) ?? settings.clickToDial.shortcut.trim() },
    // Origins as browsers send them (lower case, no trailing slash), so the check is an equality.
    api: { ...settings.api, allowedOrigins: settings.api.allowedOrigins.map((o) => normalizeOrigin(o.trim()) ?? o.trim()) },
    webhooks: settings.webhooks.map((w) => ({ ...w, label: w.label.trim(), url: w.url.trim(), bodyTemplate: w.bodyTemplate.trim() })),
  };
}

export class SettingsStore {
  private current: Settings = defaultSettings();
  /** Ids of the accounts whose password is stored, and of the webhooks whose secret is. */
  private stored: Record<SecretKind, Set<string>> = { password: new Set(), webhook: new Set() };
  private readonly file: SettingsFile;
  private readonly secrets: SecretStore;
  private readonly logger: Logger;

  constructor(options: SettingsStoreOptions) {
    this.file = options.file;
    this.secrets = options.secrets;
    this.logger = options.logger;
  }

  get settings(): Settings {
    return this.current;
  }

  view(): SettingsView {
    const stored = (kind: SecretKind): string[] => SECRET_KINDS[kind].ids(this.current).filter((id) => this.stored[kind].has(id));
    return { ...structuredClone(this.current), passwordsStored: stored('password'), webhookSecretsStored: stored('webhook') };
  }

  /** Reads the file; a file that is not JSON or fails the schema is moved aside, never deleted. */
  async load(): Promise<Settings> {
    this.current = await this.readFile();
    for (const kind of Object.keys(SECRET_KINDS) as SecretKind[]) {
      this.stored[kind] = new Set();
      for (const id of SECRET_KINDS[kind].ids(this.current)) {
        if ((await this.secret(kind, id)) !== null) this.stored[kind].add(id);
      }
    }
    return this.current;
  }

  private async readFile(): Promise<Settings> {
    let text: string | null;
    try {
      text = await this.file.read();
    } catch (err) {
      // Unreadable is not corrupt: leave the file where it is and run on defaults.
      this.logger.error('settings: cannot read the settings file; using defaults', err);
      return defaultSettings();
    }
    if (text === null) return defaultSettings();
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return this.setAside('is not JSON');
    }
    const { raw: upgraded, fromSingleAccount } = upgradeSettings(raw);
    const parsed = Settings.safeParse(upgraded);
    if (!parsed.success) return this.setAside(`fails the schema (${parsed.error.issues.length} issues)`);
    if (fromSingleAccount) await this.moveSingleAccountPassword();
    return parsed.data;
  }

  /** The one password of an older version becomes the first account's. */
  private async moveSingleAccountPassword(): Promise<void> {
    try {
      const old = await this.secrets.get(SINGLE_ACCOUNT_PASSWORD_KEY);
      if (old === null) return;
      await this.secrets.set(passwordKey(FIRST_ACCOUNT_ID), old);
      await this.secrets.delete(SINGLE_ACCOUNT_PASSWORD_KEY);
    } catch (err) {
      this.logger.warn('settings: the stored password could not be moved to the first account', err);
    }
  }

  private async setAside(why: string): Promise<Settings> {
    try {
      const where = await this.file.moveAside();
      this.logger.warn(`settings: the settings file ${why}; moved to ${where}; using defaults`);
    } catch (err) {
      this.logger.error(`settings: the settings file ${why} and could not be moved aside; using defaults`, err);
    }
    return defaultSettings();
  }

  /** An account's stored SIP password, or null. */
  password(accountId: string): Promise<string | null> {
    return this.secret('password', accountId);
  }

  /**
   * A webhook's stored signing secret, or null when it has none. Unlike a password, a failed read
   * throws: a delivery must wait rather than go out unsigned.
   */
  webhookSecret(hookId: string): Promise<string | null> {
    return this.secrets.get(webhookSecretKey(hookId));
  }

  private async secret(kind: SecretKind, id: string): Promise<string | null> {
    try {
      return await this.secrets.get(SECRET_KINDS[kind].key(id));
    } catch (err) {
      this.logger.warn('settings: secret store unavailable', err);
      return null;
    }
  }

  /**
   * Validates and writes the settings; per account id in `passwords` (and per webhook id in
   * `webhookSecrets`), a string stores it (an empty string clears it), null clears it, an absent id
   * keeps it. The secrets of accounts and webhooks no longer in the settings are deleted. Throws
   * invalid-settings with per-field reasons. Returns the settings as the renderer sees them.
   */
  async save(
    input: Settings,
    passwords: Readonly<Record<string, string | null>> = {},
    webhookSecrets: Readonly<Record<string, string | null>> = {},
  ): Promise<SettingsView> {
    // Parsing again drops any key the schema does not know: nothing else reaches the file.
    const next = normalized(Settings.parse(input));
    const fields = validateSettings(next);
    const changes: Record<SecretKind, Readonly<Record<string, string | null>>> = { password: passwords, webhook: webhookSecrets };
    const kinds = Object.keys(SECRET_KINDS) as SecretKind[];
    for (const kind of kinds) {
      const known = new Set(SECRET_KINDS[kind].ids(next));
      for (const id of Object.keys(changes[kind])) {
        if (!known.has(id)) fields[`${SECRET_KINDS[kind].field}.${id}`] = SECRET_KINDS[kind].missing;
      }
    }
    if (Object.keys(fields).length > 0) {
      throw new AppError('invalid-settings', `settings failed validation: ${Object.keys(fields).join(', ')}`, fields);
    }
    const removed = kinds.map((kind) => {
      const ids = new Set(SECRET_KINDS[kind].ids(next));
      return { kind, ids: SECRET_KINDS[kind].ids(this.current).filter((id) => !ids.has(id) && this.stored[kind].has(id)) };
    });
    for (const kind of kinds) {
      try {
        for (const [id, value] of Object.entries(changes[kind])) {
          const key = SECRET_KINDS[kind].key(id);
          if (value === null || value === '') {
            if (this.stored[kind].has(id)) await this.secrets.delete(key);
            this.stored[kind].delete(id);
          } else {
            await this.secrets.set(key, value);
            this.stored[kind].add(id);
          }
        }
      } catch (err) {
        throw new AppError('secret-store-unavailable', `cannot store the ${SECRET_KINDS[kind].what}: ${messageOf(err)}`);
      }
    }
    try {
      await this.file.write(`${JSON.stringify(next, null, 2)}\n`);
    } catch (err) {
      throw new AppError('internal', `cannot write the settings file: ${messageOf(err)}`);
    }
    this.current = next;
    // A removed account's password (a removed webhook's secret) goes only once the settings without it are written.
    for (const { kind, ids } of removed) {
      for (const id of ids) {
        try {
          await this.secrets.delete(SECRET_KINDS[kind].key(id));
          this.stored[kind].delete(id);
        } catch (err) {
          this.logger.warn(`settings: the ${SECRET_KINDS[kind].what} of removed ${kind === 'password' ? 'account' : 'webhook'} ${id} could not be deleted`, err);
        }
      }
    }
    return this.view();
  }
}
