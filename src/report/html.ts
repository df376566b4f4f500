/**
 * The page shell shared by report.html and rendered notebooks: one self-contained HTML document with every
 * script and style inlined, a Content-Security-Policy that forbids every connection, and the only two ways
 * data may enter the page — HTML-escaped text (`escapeHtml`) or JSON inside `<script type="application/json">`
 * (`jsonForScript`, which can never close its script tag). Client code reads those blocks and renders with
 * textContent; nothing from the data is ever parsed as HTML or executed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { vendorScripts } from './assets.js';
import { cleanText } from '../outputs/clean-text.js';

/** No fetch, no XHR, no frames, no external images/fonts: only the inline scripts and styles of this file. */
export const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'";

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML: characters XML/HTML forbid become visible markers (outputs/clean-text.ts), then escaped. */
export function escapeHtml(value: unknown): string {
  return cleanText(String(value ?? '')).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const cleanStrings = (_k: string, v: unknown) => (typeof v === 'string' ? cleanText(v) : v);

/**
 * JSON text safe inside `<script type="application/json">`: `<`, `>`, `&` and the JS line separators are
 * written as \u escapes, so no value can produce `</script`, `<!--` or `]]>`.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, cleanStrings)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A script's source made safe to inline: `</script` and `<!--` cannot appear literally. */
export function inlineScriptSource(src: string): string {
  return src.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const here = dirname(fileURLToPath(import.meta.url));
const assetCache = new Map<string, string>();

/** Text of a file under src/report/client/ (the browser-side code and CSS). */
export function clientAsset(name: string): string {
  let text = assetCache.get(name);
  if (text === undefined) {
    text = readFileSync(join(here, 'client', name), 'utf8');
    assetCache.set(name, text);
  }
  return text;
}

export interface JsonBlock {
  id: string;
  /** any JSON-serialisable value; serialised with jsonForScript */
  value?: unknown;
  /** already serialised with jsonForScript (for big blocks built in pieces) */
  text?: string;
}

export interface PageOptions {
  title: string;
  /** trusted markup built by our code; every data value inside it must have gone through escapeHtml */
  bodyHtml: string;
  jsonBlocks: JsonBlock[];
  /** our own client scripts (file names under src/report/client/), run after the vendor scripts */
  clientScripts: string[];
  /** inline vega, vega-lite and vega-embed */
  withVega: boolean;
  /** inline fuse.js */
  withFuse?: boolean;
  /** extra CSS */
  css?: string;
}

export function renderPage(opts: PageOptions): string {
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(CSP)}">\n`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
    '<meta name="referrer" content="no-referrer">\n',
    `<title>${escapeHtml(opts.title)}</title>\n`,
    `<style>\n${clientAsset('page.css')}${opts.css ?? ''}\n</style>\n</head>\n<body>\n`,
    opts.bodyHtml,
    '\n',
  );
  for (const b of opts.jsonBlocks) {
    const text = b.text ?? jsonForScript(b.value ?? null);
    parts.push(`<script type="application/json" id="${escapeHtml(b.id)}">${text}</script>\n`);
  }
  const vendor = vendorScripts({ vega: opts.withVega, fuse: !!opts.withFuse });
  for (const v of vendor) parts.push(`<script>${v}</script>\n`);
  for (const name of opts.clientScripts) parts.push(`<script>\n${inlineScriptSource(clientAsset(name))}\n</script>\n`);
  parts.push('</body>\n</html>\n');
  return parts.join('');
}
