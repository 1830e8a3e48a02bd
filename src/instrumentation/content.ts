// Opt-in content attributes: only built when the user asked for content capture.

/** One entry of gen_ai.memory.records. */
export interface MemoryRecordAttribute {
  content: string;
  id?: string;
  score?: number;
  metadata?: Record<string, string>;
}

/** Cuts a string to `limit` characters (no limit when undefined or not positive). */
export function truncateText(text: string, limit: number | undefined): string {
  if (!limit || limit <= 0 || text.length <= limit) return text;
  return text.slice(0, limit);
}

/**
 * gen_ai.memory.records as a JSON string no longer than `limit`, still valid JSON (a blind cut,
 * as the SDK's own attribute limit does, would leave unparseable text). Drops trailing records
 * first, then shortens the first record's content.
 */
export function recordsAttribute(records: readonly MemoryRecordAttribute[], limit: number | undefined): string {
  let kept = [...records];
  let json = JSON.stringify(kept);
  if (!limit || limit <= 0 || json.length <= limit) return json;
  while (kept.length > 1 && json.length > limit) {
    kept = kept.slice(0, -1);
    json = JSON.stringify(kept);
  }
  if (json.length <= limit) return json;
  const only = { ...kept[0]! };
  // Escaping can make the JSON longer than the text it holds: shrink until it fits.
  while (json.length > limit && only.content.length > 0) {
    only.content = only.content.slice(0, Math.max(0, only.content.length - (json.length - limit)));
    json = JSON.stringify([only]);
  }
  return json.length <= limit ? json : '[]';
}
