// Composition root of the renderer. The media engine and the ringer are created here, outside the
// component tree, and live as long as the page: views come and go, a call's media does not.
import { mount } from 'svelte';
import App from './components/App.svelte';
import { connectApi } from './lib/api.ts';
import { MediaEngine } from './media/media-engine.ts';
import type { MediaDevicesLike } from './media/local-media.ts';
import { bindRinger } from './media/ringer-binding.svelte.ts';
import { Ringer } from './media/ringer.ts';
import { AppStore } from './state/app-state.svelte.ts';
import { BrowserNotifications, browserPage } from './lib/browser-notifications.ts';
import './styles/app.css';

const api = connectApi();
const store = new AppStore(api);

// navigator.mediaDevices is missing outside a secure context; calls then fail with media-failed.
const available = navigator.mediaDevices as MediaDevices | undefined;
const devices: MediaDevicesLike = available ?? {
  getUserMedia: () => Promise.reject(new Error('media devices are not available in this context')),
};
const engine = new MediaEngine(api, { devices });
void engine.start();
store.quality = (callId, condition) => engine.quality(callId, condition);

const ringer = new Ringer();
bindRinger(ringer, () => ({ calls: store.calls.list, settings: store.settings.view }));

// System notifications in the web host (the Electron host shows the OS's own from main).
const notifications = new BrowserNotifications(browserPage(), () => ({
  incoming: (who) => store.i18n.t('notifications.incoming', { who }),
  missed: (who) => store.i18n.t('notifications.missed', { who }),
  toAccount: (account) => store.i18n.t('notifications.toAccount', { account }),
}));
notifications.listen(api);

window.__hookswitchMedia = Object.freeze({
  stats: () => engine.stats(),
  micOpen: () => engine.micOpen(),
  ringer: () => ringer.state(),
});

void store.load();

const target = document.getElementById('app');
if (target) mount(App, { target, props: { store } });
