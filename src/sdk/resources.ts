// Resource detection. Local detectors by default; cloud detectors only when asked for, since
// each probes a metadata server (seconds of delay for short processes, and warnings on
// machines that have none). Cloud detector packages are loaded only when named.
import { createRequire } from 'node:module';
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  serviceInstanceIdDetector,
  type ResourceDetector,
} from '@opentelemetry/resources';
import { diag } from '@opentelemetry/api';
import type { MemotelConfig } from '../config/index.js';

type Name = MemotelConfig['resourceDetectors'][number];

/**
 * The process detector without process.command_args and process.command_line: a memory CLI's
 * arguments are memory content (`capture --summary ... --content ...`), and the resource is
 * attached to every exported span, metric and log record. process.command (the script) stays.
 */
const privateProcessDetector: ResourceDetector = {
  detect(config) {
    const detected = processDetector.detect(config);
    const attributes = { ...detected.attributes };
    delete attributes['process.command_args'];
    delete attributes['process.command_line'];
    return { ...detected, attributes };
  },
};

const LOCAL: Partial<Record<Name, ResourceDetector>> = {
  env: envDetector,
  host: hostDetector,
  os: osDetector,
  process: privateProcessDetector,
  serviceinstance: serviceInstanceIdDetector,
};

const CLOUD: Partial<Record<Name, { pkg: string; exports: string[] }>> = {
  container: { pkg: '@opentelemetry/resource-detector-container', exports: ['containerDetector'] },
  alibaba: { pkg: '@opentelemetry/resource-detector-alibaba-cloud', exports: ['alibabaCloudEcsDetector'] },
  aws: {
    pkg: '@opentelemetry/resource-detector-aws',
    exports: ['awsEc2Detector', 'awsEcsDetector', 'awsEksDetector', 'awsBeanstalkDetector', 'awsLambdaDetector'],
  },
  azure: {
    pkg: '@opentelemetry/resource-detector-azure',
    exports: ['azureAppServiceDetector', 'azureFunctionsDetector', 'azureVmDetector', 'azureAksDetector'],
  },
  gcp: { pkg: '@opentelemetry/resource-detector-gcp', exports: ['gcpDetector'] },
};

export function resourceDetectors(names: readonly Name[]): ResourceDetector[] {
  const out: ResourceDetector[] = [];
  let load: NodeJS.Require | undefined;
  for (const name of names) {
    const local = LOCAL[name];
    if (local) {
      out.push(local);
      continue;
    }
    const cloud = CLOUD[name];
    if (!cloud) continue;
    try {
      load ??= createRequire(import.meta.url);
      const mod = load(cloud.pkg) as Record<string, ResourceDetector>;
      for (const e of cloud.exports) if (mod[e]) out.push(mod[e]);
    } catch (err) {
      diag.warn(`resource detector "${name}" could not be loaded (${(err as Error).message}); skipping it`);
    }
  }
  return out;
}
