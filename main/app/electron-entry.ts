// Entry of dist/main/electron-main.mjs. Electron evaluates this ES module before its ready event,
// so the synchronous part of startElectronApp (the app:// scheme registration) runs in time.
import { app } from 'electron';
import { startElectronApp } from './electron-main.ts';

startElectronApp().ready.catch((err: unknown) => {
  console.error('Hookswitch failed to start', err);
  app.exit(1);
});
