/// <reference types="svelte" />
/// <reference types="vite/client" />

interface Window {
  /** Read-only media counters for end-to-end tests and support (see media/media-engine.ts). */
  __hookswitchMedia?: {
    stats(): Promise<import('./media/call-media.ts').MediaStats[]>;
    /** Whether a microphone is open or opening (false between calls). */
    micOpen(): boolean;
    /** Whether the ringtone should sound, whether it is playing, and on which output. */
    ringer(): { ringing: boolean; playing: boolean; sinkId: string };
  };
}
