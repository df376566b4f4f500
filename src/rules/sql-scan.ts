/**
 * A small SQL lexer: finds `$name` parameters and top-level `;` outside string literals, quoted identifiers,
 * dollar-quoted strings and comments. Enough to check a rule's parameters against its header without a full
 * parser; DuckDB itself binds the SQL later (catalog test and preflight).
 */
export interface SqlParamUse {
  name: string;
  line: number;
}

export interface SqlScan {
  params: SqlParamUse[];
  /** positional parameters (`$1`, `?`), which rules must not use */
  positional: SqlParamUse[];
  /** offsets of `;` outside literals/comments */
  semicolons: number[];
}

export function scanSql(sql: string): SqlScan {
  const params: SqlParamUse[] = [];
  const positional: SqlParamUse[] = [];
  const semicolons: number[] = [];
  let line = 1;
  let i = 0;
  const n = sql.length;
  const advanceTo = (end: number) => {
    for (let k = i; k < end && k < n; k++) if (sql[k] === '\n') line++;
    i = end;
  };
  while (i < n) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '\n') {
      line++;
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      advanceTo(end < 0 ? n : end);
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      advanceTo(end < 0 ? n : end + 2);
    } else if (c === "'" || c === '"') {
      let k = i + 1;
      while (k < n) {
        if (sql[k] === c) {
          if (sql[k + 1] === c) k += 2;
          else break;
        } else k++;
      }
      advanceTo(k + 1);
    } else if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 80));
      if (m) {
        // dollar-quoted string $tag$ … $tag$
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        advanceTo(end < 0 ? n : end + tag.length);
        continue;
      }
      const named = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i, i + 200));
      const num = /^\$([0-9]+)/.exec(sql.slice(i, i + 20));
      if (named) {
        params.push({ name: named[1], line });
        i += named[0].length;
      } else if (num) {
        positional.push({ name: num[0], line });
        i += num[0].length;
      } else i++;
    } else if (c === '?') {
      positional.push({ name: '?', line });
      i++;
    } else if (c === ';') {
      semicolons.push(i);
      i++;
    } else i++;
  }
  return { params, positional, semicolons };
}
