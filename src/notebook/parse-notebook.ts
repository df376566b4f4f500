/**
 * Splits an analyst notebook (SPEC §2.5) into blocks: Markdown prose, ```sql name fences (queries run against
 * the run database), ```vega-lite fences (charts whose `data` names an earlier query) and other fences (shown as
 * code). Line numbers are kept so errors can name the block. Pure: no database, no HTML.
 */

export type NotebookBlock =
  | { kind: 'markdown'; text: string; line: number }
  | { kind: 'sql'; name: string; sql: string; line: number }
  | { kind: 'vega-lite'; source: string; line: number }
  | { kind: 'code'; lang: string; text: string; line: number };

const FENCE = /^(\s{0,3})(`{3,}|~{3,})\s*([^`]*)$/;

export function parseNotebook(text: string): NotebookBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const blocks: NotebookBlock[] = [];
  let prose: string[] = [];
  let proseStart = 1;
  const flushProse = () => {
    if (prose.some((l) => l.trim() !== '')) blocks.push({ kind: 'markdown', text: prose.join('\n'), line: proseStart });
    prose = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const m = lines[i].match(FENCE);
    if (!m) {
      if (!prose.length) proseStart = i + 1;
      prose.push(lines[i]);
      continue;
    }
    flushProse();
    const fence = m[2];
    const info = m[3].trim();
    const start = i + 1;
    const body: string[] = [];
    i++;
    while (i < lines.length && !(lines[i].trim().startsWith(fence[0].repeat(fence.length)) && lines[i].trim().replace(/[`~]/g, '') === '')) {
      body.push(lines[i]);
      i++;
    }
    const [lang = '', ...rest] = info.split(/\s+/);
    const content = body.join('\n');
    if (lang.toLowerCase() === 'sql' && rest.length) blocks.push({ kind: 'sql', name: rest[0], sql: content, line: start });
    else if (lang.toLowerCase() === 'vega-lite' || lang.toLowerCase() === 'vegalite') blocks.push({ kind: 'vega-lite', source: content, line: start });
    else blocks.push({ kind: 'code', lang, text: content, line: start });
    proseStart = i + 2;
  }
  flushProse();
  return blocks;
}
