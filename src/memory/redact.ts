/** Replaces user:password in a URL with REDACTED:REDACTED; leaves scp-like and path remotes alone. */
export function redactUrlCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]+@/i, '$1REDACTED:REDACTED@');
}
