// The local stack's compose file: everything it mounts exists, every image is pinned, every
// service is health-checked, the collector's exporters point at services of the stack, and
// docker-compose itself accepts the file (no Docker engine needed for `config`).
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../utils/fixtures.js';
import { COLLECTOR_DIR, readCollectorConfig, readContribComponents } from './collector-config.js';

const COMPOSE_FILE = join(COLLECTOR_DIR, 'docker-compose.yaml');
const DOCKER_COMPOSE = '/usr/bin/docker-compose';

interface Service {
  image: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}
const compose = parse(readFileSync(COMPOSE_FILE, 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const services = Object.entries(compose.services);

/** [source, target] of each volume entry (short syntax; a source may hold ${VAR:-default}). */
function mounts(service: Service): [string, string][] {
  return (service.volumes ?? []).map((v) => {
    const match = /^((?:\$\{[^}]*\}|[^:$])+):([^:]+)(?::(?:ro|rw))?$/.exec(v);
    if (!match) throw new Error(`volume entry "${v}" is not source:target[:ro|rw]`);
    return [match[1]!, match[2]!];
  });
}

describe('docker-compose.yaml', () => {
  it('mounts only files and directories that exist in otel-collector/', () => {
    let checked = 0;
    for (const [name, service] of services) {
      for (const [source, target] of mounts(service)) {
        if (!source.startsWith('./')) continue; // named volumes and the user's store directory
        const path = resolve(COLLECTOR_DIR, source);
        expect({ service: name, source, exists: existsSync(path) }).toMatchObject({ exists: true });
        // A file mounted where the image expects a file, a directory where it expects one.
        const isFile = /\.(ya?ml|json)$/.test(target);
        expect({ service: name, source, isFile: statSync(path).isFile() }).toEqual({ service: name, source, isFile });
        expect(path.startsWith(COLLECTOR_DIR)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });

  it('declares every named volume it uses', () => {
    for (const [, service] of services) {
      for (const [source] of mounts(service)) {
        if (!/^[a-z][\w-]*$/.test(source)) continue;
        expect(Object.keys(compose.volumes)).toContain(source);
      }
    }
  });

  it('passes each service its configuration file by a path it mounts', () => {
    for (const [name, service] of services) {
      for (const arg of service.command ?? []) {
        const file = /^-{1,2}config[.-]?file=(.+)$|^--config=(.+)$/.exec(arg);
        if (!file) continue;
        const path = file[1] ?? file[2];
        expect({ service: name, path, mounted: mounts(service).some(([, target]) => target === path) }).toMatchObject({ mounted: true });
      }
    }
  });

  it('pins every image to a version, the collector to the release the configs target', () => {
    for (const [name, service] of services) {
      expect({ service: name, image: service.image }).toMatchObject({ image: expect.stringMatching(/^[\w./-]+:v?\d+\.\d+\.\d+(-[\w.]+)?$/) });
    }
    expect(compose.services['otel-collector']!.image).toBe(readContribComponents().image);
  });

  it('health-checks every long-running service and orders start-up on it', () => {
    for (const [name, service] of services) {
      if (service.restart === 'no') continue; // the one-shot init container
      expect({ service: name, healthcheck: service.healthcheck?.test?.[0] }).toEqual({ service: name, healthcheck: 'CMD' });
    }
    expect(compose.services['otel-collector']!.depends_on).toMatchObject({ tempo: { condition: 'service_healthy' }, loki: { condition: 'service_healthy' } });
    expect(compose.services.grafana!.depends_on).toMatchObject({ prometheus: { condition: 'service_healthy' } });
  });

  it('publishes ports on 127.0.0.1 only', () => {
    for (const [, service] of services) for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('mounts the store read-only where collector.yaml reads it', () => {
    const collector = compose.services['otel-collector']!;
    const store = mounts(collector).find(([source]) => source.includes('MEMOTEL_STORE_DIR'));
    expect(store?.[1]).toBe('/var/lib/memotel/store');
    expect(collector.volumes!.find((v) => v.includes('MEMOTEL_STORE_DIR'))).toMatch(/:ro$/);
    expect((collector as unknown as { environment: Record<string, string> }).environment.MEMOTEL_STORE_DIR).toBe('/var/lib/memotel/store');
  });

  it('runs every backend collector.yaml exports to, and Prometheus scrapes the collector', () => {
    const config = readCollectorConfig('collector.yaml');
    const hosts = Object.values(config.exporters!)
      .map((e: { endpoint: string }) => /^(?:https?:\/\/)?([\w-]+):\d+/.exec(e.endpoint)?.[1])
      .filter((h) => h !== undefined && h !== '0');
    expect(hosts.sort()).toEqual(['loki', 'tempo']);
    for (const host of hosts) expect(Object.keys(compose.services)).toContain(host);
    const prometheus = readFileSync(join(COLLECTOR_DIR, 'prometheus/prometheus.yaml'), 'utf8');
    expect(prometheus).toContain('otel-collector:8889');
  });
});

const composeInstalled = existsSync(DOCKER_COMPOSE);
const requireCompose = process.env.CI === 'true';
if (!composeInstalled && !requireCompose) {
  console.warn(`skipping "docker-compose config": ${DOCKER_COMPOSE} is not installed (Debian package docker-compose).`);
}

(composeInstalled || requireCompose ? it : it.skip)('docker-compose accepts the file (docker-compose config)', () => {
  if (!composeInstalled) throw new Error(`${DOCKER_COMPOSE} is required when CI=true: install the Debian package docker-compose.`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME ?? '/tmp', MEMOTEL_UID: '1000', MEMOTEL_GID: '1000' };
  const out = execFileSync(DOCKER_COMPOSE, ['-f', COMPOSE_FILE, 'config'], { cwd: PROJECT_ROOT, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const resolved = parse(out) as { services: Record<string, { image: string }> };
  expect(Object.keys(resolved.services).sort()).toEqual(['grafana', 'init', 'loki', 'otel-collector', 'prometheus', 'tempo']);
});

const PROMTOOL = '/usr/bin/promtool';
const promtoolInstalled = existsSync(PROMTOOL);
if (!promtoolInstalled && !requireCompose) console.warn(`skipping "promtool check config": ${PROMTOOL} is not installed (Debian package prometheus).`);

(promtoolInstalled || requireCompose ? it : it.skip)('promtool accepts the stack\'s Prometheus configuration', () => {
  if (!promtoolInstalled) throw new Error(`${PROMTOOL} is required when CI=true: install the Debian package prometheus.`);
  const out = execFileSync(PROMTOOL, ['check', 'config', join(COLLECTOR_DIR, 'prometheus/prometheus.yaml')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  expect(out).toContain('SUCCESS');
});
