// The key session ids are hashed with, and the hashing itself.
//
// Why a keyed hash (HMAC-SHA256) and not a plain hash: session ids are often guessable (UUIDs
// from a log, ticket numbers, user names). A plain SHA-256 can be reversed by hashing a list of
// candidates; without the key that is not possible, yet the same id always maps to the same
// value, so sessions still group. 16 bytes (32 hex characters) keep collisions negligible for
// any realistic number of sessions while staying short in a UI.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { diag } from '@opentelemetry/api';
import { MemotelError } from '../memory/errors.js';
import { readTextNoFollow } from '../store/no-follow.js';

const KEY_BYTES = 32;
const HASH_BYTES = 16;
const CACHE_LIMIT = 256;

export interface SessionKeyOptions {
  /** A secret shared by every process that must agree on hashes (e.g. MEMOTEL_SESSION_SALT). */
  salt?: string;
  /** Where the per-machine key lives when no salt is given; created on first use. */
  keyFile: string;
}

/**
 * The HMAC key. With a salt: SHA-256 of the salt (any length of salt gives a full-size key and
 * the same salt gives the same key everywhere). Without: the 32 random bytes in `keyFile`,
 * created once (file 0600, new directories 0700). Creation is atomic: the key is written to a
 * private temporary file and hard-linked into place, which fails if another process won the race;
 * then everybody reads the winner's key, so concurrent first starts agree.
 */
export function loadSessionKey({ salt, keyFile }: SessionKeyOptions): Buffer {
  if (salt !== undefined && salt !== '') return createHash('sha256').update(salt, 'utf8').digest();
  const existing = readKeyFile(keyFile);
  if (existing) return existing;
  createKeyFile(keyFile);
  const created = readKeyFile(keyFile);
  if (!created) throw invalidKeyFile(keyFile);
  return created;
}

function readKeyFile(keyFile: string): Buffer | undefined {
  let text: string;
  try {
    // O_NOFOLLOW: a link planted in place of the key must not make memotel hash with (or
    // reveal the hashing key from) a file of someone else's choosing.
    text = readTextNoFollow(keyFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') {
      throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `The session key file ${keyFile} is a symbolic link, which memotel never follows: replace it with the key file itself, or set MEMOTEL_SESSION_SALT.`);
    }
    throw err;
  }
  const hex = text.trim();
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw invalidKeyFile(keyFile);
  warnIfReadableByOthers(keyFile);
  return Buffer.from(hex, 'hex');
}

function createKeyFile(keyFile: string): void {
  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
  const contents = randomBytes(KEY_BYTES).toString('hex') + '\n';
  const temporary = `${keyFile}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, contents, { flag: 'wx', mode: 0o600 });
  try {
    linkSync(temporary, keyFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // another process created it first: use theirs
    // Filesystems without hard links: exclusive create (a racing reader may retry on a partial file).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'EXDEV') {
      try {
        writeFileSync(keyFile, contents, { flag: 'wx', mode: 0o600 });
      } catch (inner) {
        if ((inner as NodeJS.ErrnoException).code !== 'EEXIST') throw inner;
      }
      return;
    }
    throw err;
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // already gone
    }
  }
}

function warnIfReadableByOthers(keyFile: string): void {
  try {
    if (process.platform !== 'win32' && (lstatSync(keyFile).mode & 0o077) !== 0) {
      diag.warn(`memotel: session key file ${keyFile} is readable by other users; run chmod 600 on it.`);
    }
  } catch {
    // stat failing right after a read is not worth failing startup for
  }
}

function invalidKeyFile(keyFile: string): MemotelError {
  return new MemotelError(
    'MEMOTEL_ERR_INVALID_CONFIG',
    `The session key file ${keyFile} does not hold 64 hex characters: delete it to have a new key created (session ids hashed with the old key will no longer match), or set MEMOTEL_SESSION_SALT.`,
  );
}

/** HMAC-SHA256(key, rawId) truncated to 16 bytes, as 32 hex characters; cached per raw id. */
export class SessionIdHasher {
  readonly #key: Buffer;
  // Sessions are few and long-lived; a small cache saves an HMAC per span.
  readonly #cache = new Map<string, string>();

  constructor(key: Buffer) {
    if (!Buffer.isBuffer(key) || key.length < HASH_BYTES) {
      throw new MemotelError('MEMOTEL_ERR_INVALID_CONFIG', `The session key must be a Buffer of at least ${HASH_BYTES} bytes: use loadSessionKey().`);
    }
    this.#key = Buffer.from(key);
  }

  hash(rawId: string): string {
    let hashed = this.#cache.get(rawId);
    if (hashed === undefined) {
      hashed = createHmac('sha256', this.#key).update(rawId, 'utf8').digest().subarray(0, HASH_BYTES).toString('hex');
      if (this.#cache.size >= CACHE_LIMIT) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(rawId, hashed);
    }
    return hashed;
  }
}
