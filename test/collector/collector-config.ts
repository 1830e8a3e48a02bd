/**
 * Reading the collector configurations in otel-collector/ and the test data that says which
 * components the targeted otelcol-contrib release contains.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../utils/fixtures.js';

export const COLLECTOR_DIR = join(PROJECT_ROOT, 'otel-collector');
/** Every collector configuration the project ships. */
export const COLLECTOR_CONFIGS = ['collector.yaml', 'agent.yaml', 'gateway.yaml'];

export type ComponentClass = 'receivers' | 'processors' | 'exporters' | 'extensions' | 'connectors';
export const COMPONENT_CLASSES: ComponentClass[] = ['receivers', 'processors', 'exporters', 'extensions', 'connectors'];

export interface Pipeline {
  receivers?: string[];
  processors?: string[];
  exporters?: string[];
}

export interface CollectorConfig {
  receivers?: Record<string, unknown>;
  processors?: Record<string, any>;
  exporters?: Record<string, any>;
  extensions?: Record<string, any>;
  connectors?: Record<string, unknown>;
  service: { extensions?: string[]; pipelines: Record<string, Pipeline>; telemetry?: unknown };
}

export interface ContribComponents {
  distribution: string;
  version: string;
  image: string;
  components: Record<ComponentClass, Record<string, string>>;
  deprecatedAliases: Partial<Record<ComponentClass, Record<string, string>>>;
}

export function readCollectorConfig(file: string): CollectorConfig {
  return parse(readFileSync(join(COLLECTOR_DIR, file), 'utf8')) as CollectorConfig;
}

export function readContribComponents(): ContribComponents {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'test/collector/contrib-components.json'), 'utf8')) as ContribComponents;
}

/** The type of a component id: `otlp_json_file/traces` -> `otlp_json_file`. */
export function componentType(id: string): string {
  return id.split('/')[0]!;
}

/** A pipeline id's signal: `metrics/store` -> `metrics`. */
export function pipelineSignal(id: string): string {
  return id.split('/')[0]!;
}

/** The processors of every pipeline of one signal, by pipeline id. */
export function pipelinesOf(config: CollectorConfig, signal: string): [string, Pipeline][] {
  return Object.entries(config.service.pipelines).filter(([id]) => pipelineSignal(id) === signal);
}

/** Every OTTL statement a transform processor runs in a context, for one signal. */
export function transformStatements(processor: any, signal: 'trace' | 'log' | 'metric', context: string): string[] {
  const groups: { context: string; statements: string[] }[] = processor?.[`${signal}_statements`] ?? [];
  return groups.filter((g) => g.context === context).flatMap((g) => g.statements);
}
