// Settings files written by older versions: filled in and reshaped so an upgrade never throws
// the user's accounts away. Wrong types still fail the schema afterwards (the file is then set
// aside, see SettingsStore).
import { defaultAccount, defaultSettings } from './settings-defaults.ts';

/** The id a single account of a version before several accounts were possible is given. */
export const FIRST_ACCOUNT_ID = 'main';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Missing keys, at any depth of plain objects, come from `defaults`; present ones stay. */
export function withDefaults(raw: unknown, defaults: unknown): unknown {
  if (!isPlainObject(raw) || !isPlainObject(defaults)) return raw;
  const out: Record<string, unknown> = { ...raw };
  for (const [key, value] of Object.entries(defaults)) {
    out[key] = key in raw ? withDefaults(raw[key], value) : value;
  }
  return out;
}

export interface Upgraded {
  raw: unknown;
  /** The file held one `account` (before several were possible); it became FIRST_ACCOUNT_ID. */
  fromSingleAccount: boolean;
}

export function upgradeSettings(raw: unknown): Upgraded {
  if (!isPlainObject(raw)) return { raw, fromSingleAccount: false };
  let fromSingleAccount = false;
  const out: Record<string, unknown> = { ...raw };
  if (!('accounts' in out) && isPlainObject(out['account'])) {
    const single = out['account'];
    const configured = [single['wsUrl'], single['sipUri']].some((v) => typeof v === 'string' && v.trim() !== '');
    out['accounts'] = configured ? [{ ...single, id: FIRST_ACCOUNT_ID }] : [];
    fromSingleAccount = configured;
  }
  delete out['account'];
  // One ringtone output became a list of outputs.
  const audio = out['audio'];
  if (isPlainObject(audio) && !('ringDeviceIds' in audio) && typeof audio['ringtoneDeviceId'] === 'string') {
    const { ringtoneDeviceId, ...rest } = audio;
    out['audio'] = { ...rest, ringDeviceIds: [ringtoneDeviceId] };
  }
  const filled = withDefaults(out, defaultSettings()) as Record<string, unknown>;
  if (Array.isArray(filled['accounts'])) {
    filled['accounts'] = filled['accounts'].map((a: unknown) =>
      isPlainObject(a) && typeof a['id'] === 'string' ? withDefaults(a, defaultAccount(a['id'])) : a,
    );
  }
  return { raw: filled, fromSingleAccount };
}
