/** Bilingual UserErrors raised by the readers (a file that cannot be read at all). Data-row problems never throw. */
import { UserError, diag } from '../../errors.js';

export function fileNotFound(file: string): UserError {
  return new UserError(
    diag(
      'ingest.file_not_found',
      `找不到数据文件 ${file}。请检查流水线文件中的 path 是否正确（相对于流水线文件所在目录）。`,
      `Data file ${file} not found. Check the source path in the pipeline file (relative to the pipeline file).`,
      { file },
    ),
  );
}

export function emptyFile(file: string, sheet?: string): UserError {
  return new UserError(
    diag(
      'ingest.empty_file',
      `数据文件 ${file}${sheet ? ` 的工作表「${sheet}」` : ''} 是空的（没有任何内容）。请确认导出是否成功，或从流水线中删除该来源。`,
      `Data file ${file}${sheet ? ` (sheet "${sheet}")` : ''} is empty. Check that the export succeeded, or remove this source from the pipeline.`,
      { file, ...(sheet ? { sheet } : {}) },
    ),
  );
}

export function badEncoding(file: string, detail: string, detailZh: string): UserError {
  return new UserError(
    diag(
      'ingest.bad_encoding',
      `无法识别文件 ${file} 的文字编码：${detailZh}。支持 UTF-8 和 GBK/GB18030 编码的文本文件；请用 Excel 或 WPS 打开后另存为「CSV UTF-8」或 xlsx，再重新运行。`,
      `Cannot decode ${file}: ${detail}. Supported: UTF-8 and GBK/GB18030 text. Open it in Excel/WPS and save it as "CSV UTF-8" or .xlsx, then run again.`,
      { file },
    ),
  );
}

export function sheetNotFound(file: string, wanted: string | number, sheets: string[]): UserError {
  const list = sheets.map((s, i) => `${i + 1}:${s}`).join(', ');
  return new UserError(
    diag(
      'ingest.sheet_not_found',
      `文件 ${file} 中没有工作表 ${typeof wanted === 'number' ? `第${wanted}个` : `「${wanted}」`}。现有工作表：${list || '（无）'}。请在流水线的 sheet: 中填写正确的名称或序号（从1开始）。`,
      `Sheet ${typeof wanted === 'number' ? `#${wanted}` : `"${wanted}"`} not found in ${file}. Sheets: ${list || '(none)'}. Set sheet: to one of these names or a 1-based index.`,
      { file, sheet: String(wanted) },
    ),
  );
}

export function badWorkbook(file: string, code: 'ingest.bad_xlsx' | 'ingest.bad_xls', detail: string): UserError {
  const kind = code === 'ingest.bad_xlsx' ? 'xlsx' : 'xls';
  return new UserError(
    diag(
      code,
      `无法读取 ${kind} 文件 ${file}：文件已损坏、不完整或不是真正的 ${kind} 文件（${detail}）。请用 Excel 或 WPS 打开确认，另存为新的 xlsx 后再运行。`,
      `Cannot read ${kind} file ${file}: it is corrupt, truncated or not really a ${kind} file (${detail}). Open it in Excel/WPS, save it as a new .xlsx and run again.`,
      { file },
    ),
  );
}

export function fileTooLarge(file: string, limitMb: number, key = 'engine.max_xls_mb'): UserError {
  const html = key === 'engine.max_html_xls_mb';
  return new UserError(
    diag(
      'ingest.file_too_large',
      `${html ? '以网页（HTML/XML）格式保存的 ' : ''}xls 文件 ${file} 超过 ${limitMb} MB（${key}），旧格式读取器不处理这么大的文件。请用 Excel 或 WPS 打开后另存为 xlsx 或 CSV 再运行；确需直接读取，可在流水线 engine: 下调大 ${key.replace('engine.', '')}。`,
      `The ${html ? 'HTML/XML-based ' : ''}.xls file ${file} is larger than ${limitMb} MB (${key}), the limit of the legacy reader. Save it as .xlsx or CSV in Excel/WPS and run again, or raise ${key}.`,
      { file, key },
    ),
  );
}

export function badColumnar(file: string, kind: 'parquet' | 'arrow', detail: string): UserError {
  return new UserError(
    diag(
      `ingest.bad_${kind}`,
      `无法读取 ${kind === 'parquet' ? 'Parquet' : 'Arrow'} 文件 ${file}：文件已损坏或格式不符（${detail}）。请重新导出该文件。`,
      `Cannot read ${kind === 'parquet' ? 'Parquet' : 'Arrow IPC'} file ${file}: it is corrupt or not in that format (${detail}). Export it again.`,
      { file },
    ),
  );
}
