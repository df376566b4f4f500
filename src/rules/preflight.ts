/**
 * Pre-flight for the selected rules (STYLE §8.6 "validate everything before doing anything"): every rule runs once
 * against empty canonical tables in a throw-away in-memory database, before any data is ingested. A custom rule
 * with an unknown table or column, a SQL syntax error or a bad output shape is reported at once (all of them,
 * one UserError), instead of after minutes of ingest. Built-in rule failures stay internal errors.
 */
import { Db } from '../db/connection.js';
import { UserError, type Diagnostic } from '../errors.js';
import type { RulesConfig } from '../config/types.js';
import { installMacros } from '../normalize/macros.js';
import { sortDiagnostics } from './catalog.js';
import { ensureCanonicalTables, runRules } from './run-rules.js';
import type { RuleDefinition } from './types.js';

export async function preflightRules(rules: RuleDefinition[], config: RulesConfig): Promise<void> {
  if (!rules.length) return;
  const db = await Db.open(':memory:', { threads: 1 });
  const problems: Diagnostic[] = [];
  try {
    await installMacros(db);
    await ensureCanonicalTables(db);
    for (const rule of rules) {
      try {
        await runRules(db, [rule], config);
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
