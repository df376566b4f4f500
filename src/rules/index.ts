/** Public entry points of the rules stage. */
export { loadCatalog, listSqlFiles, compareRules, BUILTIN_RULE_DIR } from './catalog.js';
export { parseRuleFile } from './parse-rule-file.js';
export { selectRules } from './select.js';
export { resolveParams, checkParamValue } from './params.js';
export { runRules, ensureCanonicalTables, ruleSourcePath, FINDINGS_DDL, RULE_RUNS_DDL } from './run-rules.js';
export { formatCatalog, catalogJson } from './format-catalog.js';
export { preflightRules } from './preflight.js';
export * from './types.js';
