/** manifest.json (SPEC §2.3): the run, its inputs with row accounting, rules with lead counts and times, totals. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PipelineConfig } from '../config/types.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { PROJECT_ROOT } from '../normalize/macros.js';

export function toolVersion(): string {
  return (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

export interface ManifestRule {
  id: string;
  name: string;
  category: string;
  status: string;
  leads: number;
  seconds: number;
  parameters: Record<string, unknown>;
  note?: string | null;
}

export interface Manifest {
  tool: { name: 'xuncha'; version: string };
  pipeline: { file: string; name: string };
  started_at: string;
  finished_at: string;
  inputs: IngestSummary['inputs'];
  tables: Record<string, number>;
  rejects_by_reason: Record<string, number>;
  rules: ManifestRule[];
  totals: IngestSummary['totals'] & { leads: number; rules_run: number; rules_skipped: number; seconds: number };
  timings: Record<string, number>;
}

export function buildManifest(args: {
  config: PipelineConfig;
  ingest: IngestSummary;
  rules: ManifestRule[];
  leads: number;
  rejectsByReason: Record<string, number>;
  startedAt: Date;
  finishedAt: Date;
  timings: Record<string, number>;
}): Manifest {
  const { config, ingest, rules } = args;
  return {
    tool: { name: 'xuncha', version: toolVersion() },
    pipeline: { file: config.file, name: config.name },
    started_at: args.startedAt.toISOString(),
    finished_at: args.finishedAt.toISOString(),
    inputs: ingest.inputs,
    tables: ingest.tables,
    rejects_by_reason: args.rejectsByReason,
    rules,
    totals: {
      ...ingest.totals,
      leads: args.leads,
      rules_run: rules.filter((r) => r.status === 'ran').length,
      rules_skipped: rules.filter((r) => r.status !== 'ran').length,
      seconds: (args.finishedAt.getTime() - args.startedAt.getTime()) / 1000,
    },
    timings: args.timings,
  };
}

export function writeManifest(file: string, manifest: Manifest): void {
  writeFileSync(file, JSON.stringify(manifest, null, 2) + '\n');
}
