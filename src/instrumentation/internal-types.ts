// Shapes the instrumentations read but the channel contract does not (yet) declare. Not exported
// from the package.

/**
 * Optional repository facts a git publisher may attach to a GitContext as `vcs`, shaped like
 * src/memory/git.ts's VcsInfo (plus an optional revision). Read defensively: publishers need not
 * send them. Proposed for the contract in src/memory/channels.ts.
 */
export interface GitVcsFields {
  /** remote.origin.url; credentials are redacted again before export. */
  originUrl?: string;
  /** The branch HEAD points at, when HEAD is not detached. */
  headBranch?: string;
  /** The commit HEAD points at. */
  headRevision?: string;
}
