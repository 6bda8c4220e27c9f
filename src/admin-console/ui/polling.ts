import { useEffect } from 'preact/hooks';

/** Calls `load` every `ms` while the page is shown and the tab visible. */
export function usePolling(load: () => unknown, ms: number, deps: unknown[] = []): void {
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') load();
    }, ms);
    return () => clearInterval(timer);
  }, deps);
}
