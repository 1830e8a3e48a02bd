// Opening files without following a symbolic link in the last path component: memotel's
// private files (the store's, the session key) sit in directories other programs may write to
// by mistake or by malice, and a planted link must not redirect a read or a write.
import fs from 'node:fs';

export const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/** The file's text; throws ELOOP (code) when it is a symbolic link. */
export function readTextNoFollow(file: string): string {
  const fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW);
  try {
    return fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}
