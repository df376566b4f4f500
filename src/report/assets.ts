/**
 * Vendor scripts inlined into report.html and notebooks, read from node_modules at build time (versions pinned
 * by the lockfile). The build/*.min.js files are not in the packages' `exports`, so they are located next to
 * the resolved main entry. Source-map comments are stripped (they would be a request) and `</script` escaped.
 * fuse.js ships no UMD build: its minified CommonJS build is wrapped so it defines a global `Fuse`.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function clean(src: string): string {
  return src
    .replace(/\/\/# sourceMappingURL=\S*\s*$/gm, '')
    .replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '')
    .replace(/<\/(script)/gi, '<\\/$1')
    .replace(/<!--/g, '<\\!--');
}

function load(key: string, file: () => string, wrap?: (s: string) => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    const raw = readFileSync(file(), 'utf8');
    text = clean(wrap ? wrap(raw) : raw);
    cache.set(key, text);
  }
  return text;
}

const besideMain = (pkg: string, name: string) => () => join(dirname(require.resolve(pkg)), name);

export function vegaScript(): string {
  return load('vega', besideMain('vega', 'vega.min.js'));
}
export function vegaLiteScript(): string {
  return load('vega-lite', besideMain('vega-lite', 'vega-lite.min.js'));
}
export function vegaEmbedScript(): string {
  return load('vega-embed', besideMain('vega-embed', 'vega-embed.min.js'));
}
export function fuseScript(): string {
  return load(
    'fuse',
    () => join(dirname(require.resolve('fuse.js')), 'fuse.min.cjs'),
    (s) => `(function(){var module={exports:{}},exports=module.exports;\n${s}\n;window.Fuse=module.exports.default||module.exports;})();`,
  );
}

export function vendorScripts(which: { vega: boolean; fuse: boolean }): string[] {
  const out: string[] = [];
  if (which.vega) out.push(vegaScript(), vegaLiteScript(), vegaEmbedScript());
  if (which.fuse) out.push(fuseScript());
  return out;
}
