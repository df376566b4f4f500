/** The only place SQL identifiers and literals are quoted. Values go through bound parameters wherever DuckDB allows. */
export function quoteIdent(name: string): string {
  return '"' + String(name).replace(/"/g, '""') + '"';
}

/** For the few places DuckDB cannot bind a parameter (e.g. COPY targets, CREATE MACRO bodies). */
export function quoteLiteral(value: string): string {
  return "'" + String(value).replace(/'/g, "''") + "'";
}
