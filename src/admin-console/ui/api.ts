/** The console's calls to the admin API: the session cookie goes along; changes carry the CSRF token. */

let csrfToken: string | null = null;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (method !== 'GET' && csrfToken) (init.headers as Record<string, string>)['x-csrf-token'] = csrfToken;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(`/admin/api${path}`, init);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const message = (parsed as { error?: { message?: string } } | undefined)?.error?.message ?? `${response.status} ${response.statusText}`;
    if (response.status === 401) window.dispatchEvent(new CustomEvent('admin-logged-out'));
    throw new ApiError(response.status, message);
  }
  return parsed as T;
}

/** Shapes the pages read (the admin API's answers, only the fields used). */
export type AccountState = { kind: 'healthy' } | { kind: 'cooling'; until: number; reason: string } | { kind: 'disabled'; reason: string; until?: number };

export interface Account {
  name: string;
  kind: string;
  source: string;
  state: AccountState;
  priority: number;
  weight: number;
  maxConcurrency: number | null;
  inFlight: number;
  inFlightOtherReplicas: number;
  served: number;
  failed: number;
  usage?: { plan?: string; used: number; limit: number; remaining: number; nextResetAt?: number };
  lastError?: { at: string; code: string | null; message: string };
}

export interface Session {
  csrfToken: string | null;
  expiresAt: string | null;
}
