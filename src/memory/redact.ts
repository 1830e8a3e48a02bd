// Credentials never leave in a URL: used by the memory library's messages and by the git
// instrumentation's vcs.repository.url.full (the VCS and URL conventions ask for this form).
const REDACTED = 'REDACTED';

/**
 * Replaces the user-info part of a URL with REDACTED:REDACTED
 * (`https://user:token@host/x` → `https://REDACTED:REDACTED@host/x`). A user name alone is
 * redacted too: for git over HTTPS it is often the token. scp-like remotes
 * (`git@github.com:org/repo.git`) are not URLs and name an SSH user, not a secret: they are
 * returned unchanged, as are paths. A missing or empty URL gives undefined (nothing to export).
 */
export function redactUrlCredentials(url: string): string;
export function redactUrlCredentials(url: string | undefined): string | undefined;
export function redactUrlCredentials(url: string | undefined): string | undefined {
  if (!url) return undefined;
  // A scheme followed by '//' marks a URL with an authority; anything else has no user info we can parse safely.
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/?#]*)(.*)$/s.exec(url);
  if (!match) return url;
  const [, scheme, authority, rest] = match;
  const at = authority!.lastIndexOf('@');
  if (at === -1) return url;
  return `${scheme}${REDACTED}:${REDACTED}@${authority!.slice(at + 1)}${rest}`;
}
