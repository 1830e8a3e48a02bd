// import-in-the-middle ships no types for these two entry points.
declare module 'import-in-the-middle/register-hooks.mjs' {
  export function register(options?: { include?: Array<string | RegExp>; exclude?: Array<string | RegExp> }): void;
}
declare module 'import-in-the-middle/supports-sync-hooks.mjs' {
  export function supportsSyncHooks(): boolean;
}
declare module '@opentelemetry/sdk-node/build/src/sdk.js' {
  export { NodeSDK } from '@opentelemetry/sdk-node';
}
