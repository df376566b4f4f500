/** The validated pipeline file (SPEC §2.2), after globs are expanded and paths resolved. */
import type { CanonicalTableName } from '../schema/canonical-tables.js';

export type EncodingOption = 'auto' | 'utf-8' | 'gbk' | 'gb18030';

export interface SourceSpec {
  table: CanonicalTableName;
  /** absolute path of one file (a glob in the YAML expands to one SourceSpec per match, sorted) */
  path: string;
  /** the path as the analyst sees it: relative to the pipeline file, forward slashes. Used in _source_file. */
  displayPath: string;
  encoding: EncodingOption;
  /** sheet name or 1-based index; XLSX/XLS only; default: the sheet whose header best matches the table */
  sheet?: string | number;
  /** `sheet: all` or a list of sheets: stack them into the table, `_source_file` = `file[sheet]` (SPEC §3.2) */
  sheets?: 'all' | (string | number)[];
  /**
   * `constants:` canonical field → text filled into every row; may hold {file} (file name without extension),
   * {sheet} and {title} (the title row above the header)
   */
  constants?: Record<string, string>;
  /** 1-based physical row of the header; default: detected */
  header_row?: number;
  /** explicit header → canonical field mapping, overrides aliases */
  columns?: Record<string, string>;
  /** where this source is declared in the pipeline YAML, for messages */
  yamlLine?: number;
}

export interface RulesConfig {
  include: string[];
  exclude: string[];
  params: Record<string, Record<string, unknown>>;
  /** absolute paths of custom rule files (globs expanded, sorted) */
  custom: string[];
  /** YAML line of each `params.<rule_id>` / `params.<rule_id>.<param>` key, for messages */
  paramLines?: Record<string, number>;
}

export interface PipelineConfig {
  /** absolute path of the pipeline file */
  file: string;
  /** directory of the pipeline file; relative paths resolve against it */
  dir: string;
  name: string;
  sources: SourceSpec[];
  rules: RulesConfig;
  report: { title: string; mask_ids: boolean };
  /** absolute output directory */
  output: string;
  /** absolute folder of an earlier run to compare with (回头看, SPEC §2.6): `previous:` or --previous */
  previous?: string;
  engine: {
    memory_limit?: string;
    temp_directory?: string;
    threads?: number;
    /** wall-clock limit per rule, seconds (rules/run-rules.ts DEFAULT_RULE_TIMEOUT) */
    rule_timeout?: number;
    /** reader bounds for hostile files (ingest/readers/limits.ts) */
    max_columns?: number;
    max_xlsx_xml_mb?: number;
    max_inflate_ratio?: number;
    max_xls_mb?: number;
    max_html_xls_mb?: number;
  };
}
