import { useEffect, useState } from 'preact/hooks';
import type { StoredRequestLogEntry } from '../request-log/request-log-entry';
import { api } from './api';
import { html } from './html';
import './request-bodies.css';

/** GET /admin/api/requests/by-id/:entryId/bodies (request-log.controller.ts). */
type Bodies =
  | { available: true; dump: string; request: { text: string; truncated: boolean }; response: { text: string; truncated: boolean } }
  | { available: false; reason: 'debug_off' | 'no_dump' | 'gone'; instance: string | null };

function why(bodies: Extract<Bodies, { available: false }>): string {
  switch (bodies.reason) {
    case 'debug_off':
      return 'Bodies are shown only while DEBUG_MODE writes debug dumps.';
    case 'no_dump':
      return 'No debug dump was written for this request (DEBUG_MODE=errors keeps only failed ones).';
    case 'gone':
      return bodies.instance ? `Its debug dump is on replica ${bodies.instance}.` : 'Its debug dump is no longer kept.';
  }
}

/** The request and response bodies of one logged request, from its debug dump (when there is one). */
export function RequestBodies({ entry }: { entry: StoredRequestLogEntry }) {
  const [bodies, setBodies] = useState<Bodies | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setBodies(null);
    setError(null);
    if (!entry.entryId) return;
    api<Bodies>('GET', `/requests/by-id/${encodeURIComponent(entry.entryId)}/bodies`).then(setBodies, (err: Error) => setError(err.message));
  }, [entry.entryId]);
  if (!entry.entryId) return null;
  if (error) return html`<p class="error">${error}</p>`;
  if (!bodies) return html`<p class="muted">Loading the bodies…</p>`;
  if (!bodies.available) return html`<p class="muted bodies-none">${why(bodies)}</p>`;
  return html`<section class="bodies" aria-label="Bodies">
    <h3>Request body${bodies.request.truncated ? ' (first 64 KB)' : ''}</h3>
    <pre class="body request-body">${bodies.request.text}</pre>
    <h3>Response body${bodies.response.truncated ? ' (first 64 KB)' : ''}</h3>
    <pre class="body response-body">${bodies.response.text}</pre>
    <p class="muted">From debug dump <code>${bodies.dump}</code>; secrets redacted.</p>
  </section>`;
}
