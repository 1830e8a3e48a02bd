import type { MemotelInstrumentationConfig } from '../types.js';

export interface McpInstrumentationConfig extends MemotelInstrumentationConfig {
  /**
   * The HMAC key session ids are hashed with (loadSessionKey()). Without one, `mcp.session.id`
   * is never recorded: the raw id must not leave the process.
   */
  sessionKey?: Buffer;
}
