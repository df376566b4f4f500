/**
 * Atomic outputs: a run writes everything into a staging folder beside the output folder and only moves the
 * finished files into place at the end, so a failed run never leaves a half-written report beside an old database.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export function createStaging(outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const dir = join(outDir, `.xuncha-staging-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Move every file of the staging folder into outDir (rename within one filesystem), then drop the staging folder. */
export function commitStaging(staging: string, outDir: string): void {
  for (const f of readdirSync(staging)) {
    const target = join(outDir, f);
    if (existsSync(target)) rmSync(target, { recursive: true, force: true });
    renameSync(join(staging, f), target);
  }
  rmSync(staging, { recursive: true, force: true });
}

export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}
