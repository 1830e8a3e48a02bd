// One implementation, in the memory library (the lower layer): see src/memory/redact.ts.
export { redactUrlCredentials } from '../memory/redact.js';
