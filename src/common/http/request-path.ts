/**
 * The path of a request target, without its query: `/v1/messages` of `/v1/messages?beta=true`
 * and of the absolute form `http://host/v1/messages` (RFC 9112 §3.2.2, sent to proxies, and
 * routed by the server like the path itself).
 */
export function requestPath(url: string): string {
  const query = url.indexOf('?');
  const target = query === -1 ? url : url.slice(0, query);
  if (target.startsWith('/')) return target;
  const scheme = target.indexOf('://');
  if (scheme === -1) return target;
  const path = target.indexOf('/', scheme + 3);
  return path === -1 ? '/' : target.slice(path);
}
