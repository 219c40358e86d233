// The settings as main holds them: loaded once from the SettingsFile port, saved after
// validation. The SIP password never enters the file: it lives in the SecretStore under one key.
import { Settings } from '../../../preload/contract.ts';
import type { SettingsView } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import type { Logger, SecretStore, SettingsFile } from '../ports.ts';
import { defaultSettings } from './settings-defaults.ts';
import { validateSettings } from './settings-validation.ts';

export const PASSWORD_KEY = 'account.password';

export interface SettingsStoreOptions {
  file: SettingsFile;
  secrets: SecretStore;
  logger: Logger;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// A file written by an older version lacks the newer keys: fill them from the defaults so an
// upgrade does not throw the user's account away. Wrong types still fail the schema.
function withDefaults(raw: unknown, defaults: unknown): unknown {
  if (!isPlainObject(raw) || !isPlainObject(defaults)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(defaults)) {
    out[key] = key in raw ? withDefaults(raw[key], value) : value;
  }
  return out;
}

/** Spaces typed around an address or a name are not part of it. */
function normalized(settings: Settings): Settings {
  const a = settings.account;
  return {
    ...settings,
    account: {
      ...a,
      wsUrl: a.wsUrl.trim(),
      sipUri: a.sipUri.trim(),
      authUser: a.authUser.trim(),
      displayName: a.displayName.trim(),
    },
    screenPop: { ...settings.screenPop, crmUrlTemplate: settings.screenPop.crmUrlTemplate.trim() },
  };
}

export class SettingsStore {
  private current: Settings = defaultSettings();
  private hasPassword = false;
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
    return { ...structuredClone(this.current), hasPassword: this.hasPassword };
  }

  /** Reads the file; a file that is not JSON or fails the schema is moved aside, never deleted. */
  async load(): Promise<Settings> {
    this.current = await this.readFile();
    try {
      this.hasPassword = (await this.secrets.get(PASSWORD_KEY)) !== null;
    } catch (err) {
      this.logger.warn('settings: secret store unavailable; no password', err);
      this.hasPassword = false;
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
    const parsed = Settings.safeParse(withDefaults(raw, defaultSettings()));
    if (!parsed.success) return this.setAside(`fails the schema (${parsed.error.issues.length} issues)`);
    return parsed.data;
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

  /** The stored SIP password, or null. */
  async password(): Promise<string | null> {
    try {
      return await this.secrets.get(PASSWORD_KEY);
    } catch (err) {
      this.logger.warn('settings: secret store unavailable', err);
      return null;
    }
  }

  /**
   * Validates and writes the settings; `password` as a string stores it (an empty string clears
   * it), null clears it, undefined keeps it. Throws invalid-settings with per-field reasons.
   * Returns the settings as the renderer sees them.
   */
  async save(input: Settings, password: string | null | undefined): Promise<SettingsView> {
    // Parsing again drops any key the schema does not know: nothing else reaches the file.
    const next = normalized(Settings.parse(input));
    const fields = validateSettings(next);
    if (Object.keys(fields).length > 0) {
      throw new AppError('invalid-settings', `settings failed validation: ${Object.keys(fields).join(', ')}`, fields);
    }
    if (password !== undefined) {
      const previous = await this.password();
      try {
        if (password === null || password === '') {
          if (previous !== null) await this.secrets.delete(PASSWORD_KEY);
          this.hasPassword = false;
        } else {
          await this.secrets.set(PASSWORD_KEY, password);
          this.hasPassword = true;
        }
      } catch (err) {
        throw new AppError('secret-store-unavailable', `cannot store the password: ${messageOf(err)}`);
      }
    }
    try {
      await this.file.write(`${JSON.stringify(next, null, 2)}\n`);
    } catch (err) {
      throw new AppError('internal', `cannot write the settings file: ${messageOf(err)}`);
    }
    this.current = next;
    return this.view();
  }
}
