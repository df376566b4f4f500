/**
 * Pre-flight for the selected rules (STYLE §8.6 "validate everything before doing anything"): every rule runs once
 * against empty canonical tables in a throw-away in-memory database, before any data is ingested. A custom rule
 * with an unknown table or column, a SQL syntax error or a bad output shape is reported at once (all of them,
 * one UserError), instead of after minutes of ingest. Built-in rule failures stay internal errors.
 *
 * Untrusted rule packs are run here first, so this database is a sandbox too (external access off, configuration
 * locked: db/sandbox.ts, entered by runRules after the macros are installed), with a small memory limit and a short
 * time limit: on empty tables an honest rule finishes in milliseconds, while a rule that generates its own rows
 * (`range(1e6)` cross joined with itself) is cancelled after PREFLIGHT_TIMEOUT seconds at most.
 */
import { Db } from '../db/connection.js';
import { UserError, type Diagnostic } from '../errors.js';
import type { RulesConfig } from '../config/types.js';
import { installMacros } from '../normalize/macros.js';
import { sortDiagnostics } from './catalog.js';
import { DEFAULT_RULE_TIMEOUT, ensureCanonicalTables, runRules } from './run-rules.js';
import type { RuleDefinition } from './types.js';

/** upper bound of a rule's preflight on empty tables, in seconds (engine.rule_timeout when that is lower) */
export const PREFLIGHT_TIMEOUT = 30;

export interface PreflightOptions {
  /** the run's per-rule limit (engine.rule_timeout); preflight uses min(this, PREFLIGHT_TIMEOUT) */
  timeoutSeconds?: number;
  signal?: AbortSignal;
}

export async function preflightRules(rules: RuleDefinition[], config: RulesConfig, opts: PreflightOptions = {}): Promise<void> {
  if (!rules.length) return;
  const timeoutSeconds = Math.min(opts.timeoutSeconds ?? DEFAULT_RULE_TIMEOUT, PREFLIGHT_TIMEOUT);
  const db = await Db.open(':memory:', { threads: 1, memoryLimit: '1GB' });
  const problems: Diagnostic[] = [];
  try {
    await installMacros(db);
    await ensureCanonicalTables(db);
    for (const rule of rules) {
      try {
        await runRules(db, [rule], config, { timeoutSeconds, signal: opts.signal });
      } catch (e) {
        if (e instanceof UserError) problems.push(...e.diagnostics);
        else throw e;
      }
    }
  } finally {
    db.close();
  }
  if (problems.length) throw new UserError(sortDiagnostics(problems));
}
