// The app store reaches components through one typed context, set once by App.svelte.
import { createContext } from 'svelte';
import type { AppStore } from '../state/app-state.svelte.ts';

export const [useStore, provideStore] = createContext<AppStore>();
