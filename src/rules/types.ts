/**
 * A parsed rule file (STYLE §8.3) as plain data. The header of the SQL file is the single source of truth for
 * `xuncha rules`, the XLSX 说明 sheet and the report's method section; nothing else describes a rule.
 */
import type { CanonicalTableName } from '../schema/canonical-tables.js';
import type { Diagnostic } from '../errors.js';

export type Severity = 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low'];

/** Built-in categories; a custom rule may name its own category (snake_case). */
export const BUILTIN_CATEGORIES = ['relationship_benefit', 'phantom_claim', 'finance', 'payroll', 'conflict_of_interest'] as const;
export type BuiltinCategory = (typeof BUILTIN_CATEGORIES)[number];

/** Chinese names of the built-in categories (XLSX sheets, report). */
export const CATEGORY_ZH: Record<string, string> = {
  relationship_benefit: '关系保/人情保',
  phantom_claim: '虚报冒领',
  finance: '财务',
  payroll: '吃空饷',
  conflict_of_interest: '利益输送',
};

export const SEVERITY_ZH: Record<Severity, string> = { high: '高', medium: '中', low: '低' };

export type ParamType = 'integer' | 'number' | 'string' | 'boolean' | 'string_list' | 'date';
export const PARAM_TYPES: readonly ParamType[] = ['integer', 'number', 'string', 'boolean', 'string_list', 'date'];

/** A parameter value after validation: dates are 'YYYY-MM-DD' strings. */
export type ParamValue = number | string | boolean | string[];

export interface ParamSpec {
  type: ParamType;
  default: ParamValue;
  description: string;
  min?: number;
  max?: number;
  enum?: (string | number)[];
}

export interface RuleVariant {
  /** short name of the variant, e.g. `surname_address` */
  id: string;
  severity: Severity;
  description: string;
}

export interface RuleDefinition {
  id: string;
  name: string;
  category: string;
  severity: Severity;
  /** canonical tables that must have a source for the rule to run */
  tables: CanonicalTableName[];
  /** canonical tables the rule reads when present (empty tables are created for absent ones) */
  optionalTables: CanonicalTableName[];
  params: Record<string, ParamSpec>;
  method: string;
  why: string;
  exclusions: string[];
  assumptions: string[];
  variants: RuleVariant[];
  /** the SQL after the header (the header comment is blanked out, line numbers are preserved) */
  sql: string;
  /** absolute path of the rule file */
  file: string;
  /** 1-based line of the closing `---*​/` */
  headerEndLine: number;
  /** false for analysts' custom rule files */
  builtin: boolean;
}

export interface SkippedRule {
  rule: RuleDefinition;
  reason_zh: string;
  reason_en: string;
}

export interface RuleSelection {
  selected: RuleDefinition[];
  skipped: SkippedRule[];
  /** warnings (rules skipped because their tables are absent); errors are thrown as one UserError */
  diagnostics: Diagnostic[];
}

export interface RuleRunSummary {
  rule_id: string;
  rule_name: string;
  category: string;
  severity: Severity;
  status: 'ran' | 'skipped';
  /** number of findings (= leads) of the rule */
  leads: number;
  seconds: number;
  /** parameter values used (defaults merged with the pipeline's overrides) */
  params: Record<string, ParamValue>;
  file: string;
  note?: string;
}

/** The columns a rule's final select may return (STYLE §8.2); `severity` optionally overrides the header's for a variant. */
export const FINDING_COLUMNS = [
  'subject_key',
  'subject_name',
  'household_key',
  'town',
  'village',
  'unit',
  'amount',
  'period_start',
  'period_end',
  'description',
  'evidence',
  'severity',
] as const;
export type FindingColumn = (typeof FINDING_COLUMNS)[number];
