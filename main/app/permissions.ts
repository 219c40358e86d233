// Web permissions: the microphone (audio only, never the camera) and audio output selection, for
// our own page and nothing else. Every other permission, from any origin, is denied.
import type { Session } from 'electron';
import { isAppUrl } from './app-protocol.ts';

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0] & object;
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0] & object;
export type Permission = Parameters<PermissionRequestHandler>[1];
export type PermissionRequestDetails = Parameters<PermissionRequestHandler>[3];
export type PermissionCheckDetails = Parameters<PermissionCheckHandler>[3];

/** A permission request (the prompt a page triggers): granted only for audio capture and speaker selection on app://hookswitch. */
export function allowPermissionRequest(permission: Permission, details: PermissionRequestDetails): boolean {
  if (!details.isMainFrame || !isAppUrl(details.requestingUrl)) return false;
  if ('securityOrigin' in details && details.securityOrigin !== undefined && !isAppUrl(details.securityOrigin)) return false;
  if (permission === 'media') {
    const types = 'mediaTypes' in details ? (details.mediaTypes ?? []) : [];
    return types.length > 0 && types.every((type) => type === 'audio');
  }
  return permission === 'speaker-selection';
}

/** A permission check (asked silently, e.g. by enumerateDevices and setSinkId): the same rule. */
export function allowPermissionCheck(permission: Permission, requestingOrigin: string, details: PermissionCheckDetails): boolean {
  if (!isAppUrl(requestingOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppUrl(details.securityOrigin)) return false;
  if (details.embeddingOrigin !== undefined && !isAppUrl(details.embeddingOrigin)) return false;
  if (permission === 'media') return details.mediaType === 'audio';
  return permission === 'speaker-selection';
}

export function installPermissionHandlers(session: Session): void {
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(allowPermissionRequest(permission, details));
  });
  session.setPermissionCheckHandler((_webContents, permission, requestingOrigin, details) =>
    allowPermissionCheck(permission, requestingOrigin, details),
  );
  // WebHID, WebUSB and Web Serial: the headset is read by main through node-hid, never by the page.
  session.setDevicePermissionHandler(() => false);
}
