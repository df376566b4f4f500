/**
 * A deliberately small Markdown renderer for notebook prose: ATX headings, paragraphs, bullet and numbered
 * lists, block quotes, horizontal rules, inline `code`, **bold**, *italic*, and links shown as text
 * ("text（url）" — a notebook page never links out). Everything is HTML-escaped first; the only markup in the
 * output is the fixed set of tags this file writes. No raw HTML passes through.
 */
import { escapeHtml } from '../report/html.js';

/** Inline formatting on already-escaped text. Code spans are cut out first so their content stays literal. */
export function renderInline(raw: string): string {
  const parts = raw.split(/(`+[^`]*?`+)/g);
  return parts
    .map((part, k) => {
      if (k % 2 === 1) return `<code>${escapeHtml(part.replace(/^`+|`+$/g, ''))}</code>`;
      let s = escapeHtml(part);
      // links → text（url）; images → their alt text
      s = s.replace(/!?\[([^\]]*)\]\(([^)\s]*)(?:\s+&quot;[^&]*&quot;)?\)/g, (_m, text: string, url: string) => (url && url !== text ? `${text}（${url}）` : text));
      s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>').replace(/__([^_]+)__/g, '<strong>$1</strong>');
      s = s.replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>');
      return s;
    })
    .join('');
}

export function renderMarkdown(text: string): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let para: string[] = [];
  let list: { ordered: boolean; items: string[] } | null = null;
  let quote: string[] = [];
  const flushPara = () => {
    if (para.length) out.push(`<p>${renderInline(para.join(' ').trim())}</p>`);
    para = [];
  };
  const flushList = () => {
    if (list) out.push(`<${list.ordered ? 'ol' : 'ul'}>${list.items.map((i) => `<li>${renderInline(i)}</li>`).join('')}</${list.ordered ? 'ol' : 'ul'}>`);
    list = null;
  };
  const flushQuote = () => {
    if (quote.length) out.push(`<blockquote><p>${renderInline(quote.join(' ').trim())}</p></blockquote>`);
    quote = [];
  };
  const flushAll = () => {
    flushPara();
    flushList();
    flushQuote();
  };
  for (const line of lines) {
    const t = line.trim();
    if (!t) {
      flushAll();
      continue;
    }
    const heading = t.match(/^(#{1,6})\s+(.*?)\s*#*$/);
    if (heading) {
      flushAll();
      const level = heading[1].length;
      out.push(`<h${level}>${renderInline(heading[2])}</h${level}>`);
      continue;
    }
    if (/^(-{3,}|\*{3,}|_{3,})$/.test(t)) {
      flushAll();
      out.push('<hr>');
      continue;
    }
    const bullet = t.match(/^[-*+]\s+(.*)$/);
    const numbered = t.match(/^\d+[.)]\s+(.*)$/);
    if (bullet || numbered) {
      flushPara();
      flushQuote();
      const ordered = !!numbered;
      if (list && list.ordered !== ordered) flushList();
      list ??= { ordered, items: [] };
      list.items.push((bullet ?? numbered)![1]);
      continue;
    }
    if (t.startsWith('>')) {
      flushPara();
      flushList();
      quote.push(t.replace(/^>\s?/, ''));
      continue;
    }
    if (list && /^\s{2,}/.test(line)) {
      list.items[list.items.length - 1] += ' ' + t;
      continue;
    }
    flushList();
    flushQuote();
    para.push(t);
  }
  flushAll();
  return out.join('\n');
}

/** The first level-1 heading's plain text, for the page title. */
export function firstHeading(text: string): string | undefined {
  const m = text.match(/^#\s+(.*?)\s*#*$/m);
  return m ? m[1].replace(/[*_`]/g, '') : undefined;
}
