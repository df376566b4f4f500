/** Bilingual errors of the XLSX reader's bounds (limits.ts). */
import { UserError, diag } from '../../errors.js';
import type { ReaderLimits } from './limits.js';
import type { ZipLimitError } from './zip.js';

const mb = (n: number) => Math.round(n / 1024 / 1024);

export function xlsxPartTooLarge(file: string, part: string, e: ZipLimitError, limits: ReaderLimits): UserError {
  if (e.kind === 'ratio') {
    return new UserError(
      diag(
        'ingest.xlsx_too_large',
        `xlsx 文件 ${file} 的部件 ${part} 解压后超过压缩大小的 ${limits.maxInflateRatio} 倍（engine.max_inflate_ratio），像是“压缩炸弹”，已停止读取。若确认文件可信，可在流水线 engine: 下调大 max_inflate_ratio；否则请向提供方索取正常导出的文件。`,
        `Part ${part} of the xlsx file ${file} inflates more than ${limits.maxInflateRatio}:1 (engine.max_inflate_ratio), like a zip bomb; reading stopped. If you trust the file, raise engine.max_inflate_ratio; otherwise ask for a normal export.`,
        { file, key: 'engine.max_inflate_ratio' },
      ),
    );
  }
  if (e.limit !== limits.maxXmlBytes) {
    // workbook.xml, relationships, styles: read whole, under a fixed cap no real workbook comes near
    return new UserError(
      diag(
        'ingest.xlsx_too_large',
        `xlsx 文件 ${file} 的结构部件 ${part} 解压后超过 ${mb(e.limit)} MB，正常工作簿远小于此，像是“压缩炸弹”或已损坏，已停止读取。请向提供方索取正常导出的文件，或用 Excel/WPS 另存后再运行。`,
        `The structural part ${part} of the xlsx file ${file} inflates to more than ${mb(e.limit)} MB (real workbooks are far smaller: a zip bomb or a corrupt file); reading stopped. Ask for a normal export, or re-save it in Excel/WPS.`,
        { file },
      ),
    );
  }
  return new UserError(
    diag(
      'ingest.xlsx_too_large',
      `xlsx 文件 ${file} 的部件 ${part} 解压后超过 ${mb(e.limit)} MB（engine.max_xlsx_xml_mb），已停止读取。请把数据拆成几个文件或另存为 CSV；确需读取时可在流水线 engine: 下调大 max_xlsx_xml_mb。`,
      `Part ${part} of the xlsx file ${file} inflates to more than ${mb(e.limit)} MB (engine.max_xlsx_xml_mb); reading stopped. Split the data or save it as CSV, or raise engine.max_xlsx_xml_mb.`,
      { file, key: 'engine.max_xlsx_xml_mb' },
    ),
  );
}
