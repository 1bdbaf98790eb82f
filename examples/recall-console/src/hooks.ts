import { useCallback, useEffect, useRef, useState } from 'react';

/** The state of one request: never shows a previous answer once the key changed or a later call failed. */
export type Loadable<T> = { state: 'loading' } | { state: 'ok'; data: T } | { state: 'error'; error: Error };

/**
 * Load `fetcher()` whenever `key` changes (or `reload()` is called). A new key drops the old data at once,
 * and an answer that arrives after the key changed is ignored: a slow old request cannot overwrite a new one.
 * A failed reload replaces the data by the error (never an error next to an out-of-date answer).
 */
export function useLoad<T>(key: string | null, fetcher: () => Promise<T>): [Loadable<T>, () => void] {
  const [tick, setTick] = useState(0);
  const [value, setValue] = useState<Loadable<T>>({ state: 'loading' });
  const shown = useRef<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key names the request; the fetcher closes over it
  useEffect(() => {
    if (key === null) return;
    let live = true;
    // A new key shows "loading" at once; a reload of the same key (after a command) keeps the answer on
    // screen until the new one arrives — or until it fails, when the error replaces it.
    if (shown.current !== key) setValue({ state: 'loading' });
    shown.current = key;
    fetcher().then(
      (data) => live && setValue({ state: 'ok', data }),
      (error: Error) => live && setValue({ state: 'error', error }),
    );
    return () => {
      live = false;
    };
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return [value, reload];
}

/** The location hash as `{ path, params }` (`#/lot/L-1?x=y` → `['lot', 'L-1']`, `x=y`). */
function readHash(): { path: string[]; params: URLSearchParams } {
  const h = window.location.hash.replace(/^#/, '') || '/';
  const [p, q] = h.split('?');
  return {
    path: (p ?? '/')
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s)),
    params: new URLSearchParams(q ?? ''),
  };
}

/** The current route, updated on every hash change. */
export function useRoute(): { path: string[]; params: URLSearchParams } {
  const [route, setRoute] = useState(readHash);
  useEffect(() => {
    const on = () => setRoute(readHash());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map((p) => encodeURIComponent(p)).join('/')}`;
