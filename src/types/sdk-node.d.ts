// sdk-node has no exports map: the NodeSDK class's own module has no types of its own.
declare module '@opentelemetry/sdk-node/build/src/sdk.js' {
  export { NodeSDK } from '@opentelemetry/sdk-node';
}
