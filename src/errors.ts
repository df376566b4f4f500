/**
 * Error kernel shared by every stage.
 *
 * Three channels (see STYLE §8.6):
 *  - UserError: something the user wrote or supplied is wrong (pipeline YAML, rule header, unreadable file).
 *    Carries one or more Diagnostics, bilingual, with a location. Exit 1, no stack trace.
 *  - UsageError: bad command-line usage. Exit 2.
 *  - anything else (InternalError or a plain Error): our bug or an engine failure. Exit 3, stack allowed.
 * Problems in data rows never throw: they become `rejects` rows.
 */

export interface DiagnosticLocation {
  file?: string;
  line?: number;
  column?: number;
  row?: number;
  sheet?: string;
  key?: string;
}

export interface Diagnostic {
  /** dotted lowercase code, stable and grep-able: `pipeline.unknown_key`, `ingest.header_not_found` */
  code: string;
  level: 'error' | 'warning';
  /** Chinese message: what is wrong and what to do */
  zh: string;
  /** English message */
  en: string;
  at?: DiagnosticLocation;
  hint?: string;
}

export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => `${d.code}: ${d.en}`).join('\n'));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

/** Convenience constructor for a single error diagnostic. */
export function diag(code: string, zh: string, en: string, at?: DiagnosticLocation, hint?: string): Diagnostic {
  return { code, level: 'error', zh, en, ...(at ? { at } : {}), ...(hint ? { hint } : {}) };
}

export function userError(code: string, zh: string, en: string, at?: DiagnosticLocation, hint?: string): UserError {
  return new UserError(diag(code, zh, en, at, hint));
}

export function formatLocation(at?: DiagnosticLocation): string {
  if (!at) return '';
  let s = at.file ?? '';
  if (at.sheet) s += `[${at.sheet}]`;
  if (at.line != null) s += `:${at.line}${at.column != null ? `:${at.column}` : ''}`;
  if (at.row != null) s += `${s ? ' ' : ''}第${at.row}行/row ${at.row}`;
  if (at.key) s += `${s ? ' ' : ''}${at.key}`;
  return s;
}

/** Human form: `错误 code  file:line` then the zh line, the en line and an optional hint. */
export function formatDiagnostic(d: Diagnostic): string {
  const head = `${d.level === 'error' ? '错误' : '警告'} ${d.code}  ${formatLocation(d.at)}`.trimEnd();
  const lines = [head, `  ${d.zh}`, `  ${d.en}`];
  if (d.hint) lines.push(`  提示/hint: ${d.hint}`);
  return lines.join('\n');
}
