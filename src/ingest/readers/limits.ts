/**
 * Bounds on hostile input (SPEC §7): every reader works in bounded memory and stops early, with a clear message
 * naming the file and the limit, on shapes no real export has. Each limit is a key under `engine:` in the pipeline
 * file, so an analyst with a genuinely odd file can raise it.
 *
 *  - max_columns: columns a sheet or CSV may have. Excel allows 16,384, real exports a few hundred; a file with
 *    20,000 columns exhausted memory in the normalization SQL. A header wider than this is an error; a data row
 *    wider than its header is a `*.too_many_fields` reject as before, and is never widened into a table.
 *  - max_xlsx_xml_mb: uncompressed size of one XML part of an .xlsx (a sheet, the shared strings). A 1,048,576-row
 *    sheet is a few hundred MB of XML.
 *  - max_inflate_ratio: uncompressed/compressed size of any .xlsx part once it has produced 16 MB. Zip bombs
 *    inflate 1000:1; real sheet XML 5–30:1 (the demo's 11–14:1). Apache POI's ZipSecureFile refuses below 1:100
 *    for the same reason.
 *  - max_xls_mb: size of a legacy binary .xls (read whole by SheetJS in a child process with a capped heap).
 *  - max_html_xls_mb: size of an HTML or XML file saved as ".xls". SheetJS parses those far slower and bigger than
 *    BIFF and worse than linearly (measured: 20 MB → 8 s, 650 MB; 63 MB → over 120 s and 3.7 GB, then killed),
 *    so they get their own, lower limit; Excel/WPS open them and save them as .xlsx, which streams.
 */
export interface ReaderLimits {
  maxColumns: number;
  maxXmlBytes: number;
  maxInflateRatio: number;
  maxXlsBytes: number;
  maxHtmlXlsBytes: number;
}

export const DEFAULT_LIMITS: ReaderLimits = {
  maxColumns: 2000,
  maxXmlBytes: 4096 * 1024 * 1024,
  maxInflateRatio: 200,
  maxXlsBytes: 100 * 1024 * 1024,
  maxHtmlXlsBytes: 25 * 1024 * 1024,
};

/** bytes an XLSX part may inflate to before the ratio check applies */
export const INFLATE_GRACE_BYTES = 16 * 1024 * 1024;

export function limitsFromEngine(
  engine: { max_columns?: number; max_xlsx_xml_mb?: number; max_inflate_ratio?: number; max_xls_mb?: number; max_html_xls_mb?: number } | undefined,
): ReaderLimits {
  const e = engine ?? {};
  return {
    maxColumns: e.max_columns ?? DEFAULT_LIMITS.maxColumns,
    maxXmlBytes: e.max_xlsx_xml_mb != null ? Math.round(e.max_xlsx_xml_mb * 1024 * 1024) : DEFAULT_LIMITS.maxXmlBytes,
    maxInflateRatio: e.max_inflate_ratio ?? DEFAULT_LIMITS.maxInflateRatio,
    maxXlsBytes: e.max_xls_mb != null ? Math.round(e.max_xls_mb * 1024 * 1024) : DEFAULT_LIMITS.maxXlsBytes,
    maxHtmlXlsBytes: e.max_html_xls_mb != null ? Math.round(e.max_html_xls_mb * 1024 * 1024) : DEFAULT_LIMITS.maxHtmlXlsBytes,
  };
}
