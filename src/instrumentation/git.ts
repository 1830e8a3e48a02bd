import { SpanKind, ValueType, type Attributes, type Histogram, type Span } from '@opentelemetry/api';
import type { GitContext } from '../memory/channels.js';
import { ChannelInstrumentation, type OperationEnd, type SpanStart } from './channel-instrumentation.js';
import type { GitVcsFields } from './internal-types.js';
import { redactUrlCredentials } from './redact.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MEMOTEL_GIT_NOTES_REF,
  ATTR_MEMOTEL_GIT_SUBCOMMAND,
  ATTR_MEMOTEL_OUTCOME,
  ATTR_PROCESS_COMMAND_ARGS,
  ATTR_PROCESS_EXECUTABLE_NAME,
  ATTR_PROCESS_EXIT_CODE,
  ATTR_VCS_REF_HEAD_NAME,
  ATTR_VCS_REF_HEAD_REVISION,
  ATTR_VCS_REF_HEAD_TYPE,
  ATTR_VCS_REPOSITORY_NAME,
  ATTR_VCS_REPOSITORY_URL_FULL,
  GEN_AI_DURATION_BUCKETS,
  MEMOTEL_OUTCOME_VALUE_ERROR,
  MEMOTEL_OUTCOME_VALUE_SUCCESS,
  METRIC_MEMOTEL_GIT_COMMAND_DURATION,
} from './semconv.js';
import type { GitInstrumentationConfig } from './types.js';
import { SCOPE_NAMES } from './version.js';

const GIT = 'git';

/**
 * memotel:git → one INTERNAL `git {subcommand}` span per run of the git CLI (no convention
 * exists for running a CLI). Arguments are not recorded unless `captureArgs` is set: they carry
 * paths and refs. A non-zero exit the service handled is not an error: status stays UNSET and
 * process.exit.code tells.
 */
export class GitInstrumentation extends ChannelInstrumentation<'git', GitInstrumentationConfig> {
  // Set by _updateMetricInstruments(), which runs during super(): declared, not initialised.
  declare private _duration: Histogram;

  constructor(config: GitInstrumentationConfig = {}) {
    super(SCOPE_NAMES['memotel-git'], config);
  }

  protected override channelName(): 'git' {
    return 'git';
  }

  protected override _updateMetricInstruments(): void {
    this._duration = this.meter.createHistogram(METRIC_MEMOTEL_GIT_COMMAND_DURATION, {
      description: 'Duration of git CLI runs, by subcommand.',
      unit: 's',
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: GEN_AI_DURATION_BUCKETS },
    });
  }

  protected override spanStart(message: GitContext): SpanStart {
    const attributes: Attributes = {
      [ATTR_PROCESS_EXECUTABLE_NAME]: GIT,
      [ATTR_MEMOTEL_GIT_SUBCOMMAND]: message.subcommand,
    };
    if (message.notesRef !== undefined) attributes[ATTR_MEMOTEL_GIT_NOTES_REF] = message.notesRef;
    if (this.getConfig().captureArgs === true) attributes[ATTR_PROCESS_COMMAND_ARGS] = [GIT, ...message.args];
    Object.assign(attributes, vcsAttributes((message as GitContext & { vcs?: GitVcsFields }).vcs));
    return { name: `${GIT} ${message.subcommand}`, kind: SpanKind.INTERNAL, attributes };
  }

  protected override spanEnd(span: Span, message: GitContext, end: OperationEnd): void {
    if (message.exitCode !== undefined) span.setAttribute(ATTR_PROCESS_EXIT_CODE, message.exitCode);
    this._duration.record(end.durationSeconds, {
      [ATTR_MEMOTEL_GIT_SUBCOMMAND]: message.subcommand,
      [ATTR_MEMOTEL_OUTCOME]: end.errorType === undefined ? MEMOTEL_OUTCOME_VALUE_SUCCESS : MEMOTEL_OUTCOME_VALUE_ERROR,
      ...(end.errorType !== undefined && { [ATTR_ERROR_TYPE]: end.errorType }),
    });
  }
}

function vcsAttributes(vcs: GitVcsFields | undefined): Attributes {
  if (!vcs || typeof vcs !== 'object') return {};
  const attributes: Attributes = {};
  const url = redactUrlCredentials(typeof vcs.originUrl === 'string' ? vcs.originUrl : undefined);
  if (url) {
    attributes[ATTR_VCS_REPOSITORY_URL_FULL] = url;
    const name = repositoryNameOf(url);
    if (name) attributes[ATTR_VCS_REPOSITORY_NAME] = name;
  }
  if (typeof vcs.headBranch === 'string' && vcs.headBranch !== '') {
    attributes[ATTR_VCS_REF_HEAD_NAME] = vcs.headBranch;
    attributes[ATTR_VCS_REF_HEAD_TYPE] = 'branch';
  }
  if (typeof vcs.headRevision === 'string' && vcs.headRevision !== '') attributes[ATTR_VCS_REF_HEAD_REVISION] = vcs.headRevision;
  return attributes;
}

/** `https://host/acme/app.git` and `git@host:acme/app.git` → `app`. */
function repositoryNameOf(url: string): string | undefined {
  const last = url.replace(/[?#].*$/s, '').replace(/\/+$/, '').split(/[/:]/).pop();
  const name = last?.replace(/\.git$/, '');
  return name ? name : undefined;
}
