/**
 * Minimal file glob for pipeline paths (Node 20 has no fs.glob): `*`, `?`, `**`, `[abc]`, `{a,b}`.
 * Returns absolute paths of regular files, sorted by code point so the load order is stable across runs.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

export function hasGlob(p: string): boolean {
  return /[*?[{]/.test(p);
}

function segmentToRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (c === '{') {
      const end = seg.indexOf('}', i + 1);
      if (end < 0) re += '\\{';
      else {
        re += '(?:' + seg.slice(i + 1, end).split(',').map(escapeRe).join('|') + ')';
        i = end;
      }
    } else re += escapeRe(c);
  }
  return new RegExp('^' + re + '$', 'u');
}

function escapeRe(s: string): string {
  return s.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

/** Expand `pattern` (relative to `baseDir` unless absolute). */
export function expandGlob(pattern: string, baseDir: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!hasGlob(pattern)) return [abs];
  const parts = abs.split(/[\\/]/);
  // leading non-glob directory
  let i = 0;
  while (i < parts.length && !hasGlob(parts[i])) i++;
  const root = parts.slice(0, i).join(sep) || sep;
  const rest = parts.slice(i);
  const out: string[] = [];
  walk(root, rest, out);
  return [...new Set(out)].sort();
}

function walk(dir: string, segs: string[], out: string[]): void {
  if (segs.length === 0) return;
  const [seg, ...rest] = segs;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  if (seg === '**') {
    walk(dir, rest, out); // zero directories
    for (const e of entries) {
      const p = join(dir, e);
      if (isDir(p)) walk(p, segs, out);
    }
    return;
  }
  const re = segmentToRegex(seg);
  for (const e of entries) {
    if (!re.test(e)) continue;
    const p = join(dir, e);
    if (rest.length === 0) {
      if (isFile(p)) out.push(p);
    } else if (isDir(p)) walk(p, rest, out);
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
