// The settings as main holds them: loaded once from the SettingsFile port, saved after
// validation. The SIP password never enters the file: it lives in the SecretStore under one key.
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
  };
}

export class SettingsStore {
  private current: Settings = defaultSettings();
  /** Ids of the accounts whose password is stored. */
  private passwordsStored = new Set<string>();
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
    const stored = this.current.accounts.map((a) => a.id).filter((id) => this.passwordsStored.has(id));
    return { ...structuredClone(this.current), passwordsStored: stored };
  }

  /** Reads the file; a file that is not JSON or fails the schema is moved aside, never deleted. */
  async load(): Promise<Settings> {
    this.current = await this.readFile();
    this.passwordsStored = new Set();
    for (const account of this.current.accounts) {
      if ((await this.password(account.id)) !== null) this.passwordsStored.add(account.id);
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
  async password(accountId: string): Promise<string | null> {
    try {
      return await this.secrets.get(passwordKey(accountId));
    } catch (err) {
      this.logger.warn('settings: secret store unavailable', err);
      return null;
    }
  }

  /**
   * Validates and writes the settings; per account id in `passwords`, a string stores it (an
   * empty string clears it), null clears it, an absent id keeps it. The passwords of accounts no
   * longer in the settings are deleted. Throws invalid-settings with per-field reasons. Returns
   * the settings as the renderer sees them.
   */
  async save(input: Settings, passwords: Readonly<Record<string, string | null>> = {}): Promise<SettingsView> {
    // Parsing again drops any key the schema does not know: nothing else reaches the file.
    const next = normalized(Settings.parse(input));
    const fields = validateSettings(next);
    for (const id of Object.keys(passwords)) {
      const i = next.accounts.findIndex((a) => a.id === id);
      if (i < 0) fields[`passwords.${id}`] = 'no-such-account';
    }
    if (Object.keys(fields).length > 0) {
      throw new AppError('invalid-settings', `settings failed validation: ${Object.keys(fields).join(', ')}`, fields);
    }
    const ids = new Set(next.accounts.map((a) => a.id));
    const removed = this.current.accounts.map((a) => a.id).filter((id) => !ids.has(id) && this.passwordsStored.has(id));
    try {
      for (const [id, password] of Object.entries(passwords)) {
        if (password === null || password === '') {
          if (this.passwordsStored.has(id)) await this.secrets.delete(passwordKey(id));
          this.passwordsStored.delete(id);
        } else {
          await this.secrets.set(passwordKey(id), password);
          this.passwordsStored.add(id);
        }
      }
    } catch (err) {
      throw new AppError('secret-store-unavailable', `cannot store the password: ${messageOf(err)}`);
    }
    try {
      await this.file.write(`${JSON.stringify(next, null, 2)}\n`);
    } catch (err) {
      throw new AppError('internal', `cannot write the settings file: ${messageOf(err)}`);
    }
    this.current = next;
    // A removed account's password goes only once the settings without it are written.
    for (const id of removed) {
      try {
        await this.secrets.delete(passwordKey(id));
        this.passwordsStored.delete(id);
      } catch (err) {
        this.logger.warn(`settings: the password of removed account ${id} could not be deleted`, err);
      }
    }
    return this.view();
  }
}
