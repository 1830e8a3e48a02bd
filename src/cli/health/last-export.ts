// last export: the pipeline's own record of export failures (pipeline-status.json in the
// store directory, written by the SDK side). Unhealthy when a signal's last error is newer
// than its last successful export. Absent file: nothing recorded, nothing wrong.
import { SIGNALS, type MemotelConfig } from '../../config/index.js';
import { isSignalFailing, readPipelineStatus } from '../../store/pipeline-status.js';
import { listStoreFiles } from '../../store/reader.js';
import type { ComponentResult } from './types.js';

export function checkLastExport(config: MemotelConfig): ComponentResult {
  const read = readPipelineStatus(config.store.dir);
  if (read.state === 'absent') {
    return { name: 'last export', status: 'ok', summary: 'no export errors recorded', data: { file: read.file, present: false } };
  }
  if (read.state === 'unreadable') {
    return { name: 'last export', status: 'warn', summary: `${read.file} is unreadable: ${read.reason}`, data: { file: read.file } };
  }
  const lines: string[] = [];
  const failing: string[] = [];
  for (const signal of SIGNALS) {
    const s = read.status.signals[signal];
    if (!s) continue;
    // A store write is a successful export: the newest write stands in for an unrecorded success time.
    const newestWrite = config.exporters[signal].includes('store')
      ? Math.max(0, ...listStoreFiles(config.store.dir, signal).map((f) => f.mtimeMs)) || undefined
      : undefined;
    const counts = `${s.exported ?? 0} exported, ${s.failed ?? 0} failed`;
    if (!s.lastError) {
      lines.push(`${signal}: ${counts}`);
      continue;
    }
    const err = s.lastError;
    const where = err.destination ? ` to ${err.destination}` : '';
    if (isSignalFailing(s, newestWrite)) {
      failing.push(signal);
      lines.push(`${signal}: export${where} failing since ${err.at ?? 'an unknown time'}: ${err.message ?? 'no message'} (${counts})`);
    } else {
      lines.push(`${signal}: ${counts}; last error${where} at ${err.at} has recovered since`);
    }
  }
  const [summary = 'no signals recorded', ...details] = failing.length > 0 ? [`failing: ${failing.join(', ')}`, ...lines] : lines;
  return {
    name: 'last export',
    status: failing.length > 0 ? 'fail' : 'ok',
    summary,
    details,
    data: { file: read.status.file, present: true, failing, signals: read.status.signals },
  };
}
