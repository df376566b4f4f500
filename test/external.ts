/**
 * Where the shared third-party test material lives: `../shared/external` beside the repository (as on CI), or
 * XUNCHA_SHARED_EXTERNAL. Tests that need it fail loudly when it is absent instead of skipping silently.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
export const EXTERNAL = process.env.XUNCHA_SHARED_EXTERNAL ?? resolve(ROOT, '..', 'shared', 'external');

/** Absolute path of a file or folder under shared/external; throws a clear error when it is missing. */
export function external(...parts: string[]): string {
  const p = join(EXTERNAL, ...parts);
  if (!existsSync(p)) {
    throw new Error(
      `shared test material missing: ${p}\n` +
        `These tests read ../shared/external (third-party CSV suites, ID vectors, XSS and formula-injection lists). ` +
        `Check out the shared folder beside the repository or set XUNCHA_SHARED_EXTERNAL.`,
    );
  }
  return p;
}
