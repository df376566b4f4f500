/** Normalization layer (SPEC §3.1): DuckDB macros (installMacros) and their pure TypeScript mirrors. */
export { installMacros, loadRegionCodes, MACRO_DIR, REGION_CSV, PROJECT_ROOT } from './macros.js';
export { halfwidth, isBlank, trimInvisible, INVISIBLE } from './halfwidth.js';
export { idCheckDigit, to18, normIdNumber, idInfo, loadRegionCodeSet, type IdInfo } from './id-number.js';
export { normName } from './name.js';
export { parseDate, isOpenDate, excelSerialToDate, OPEN_DATE_WORDS } from './date.js';
export { parseMoney, parseNumber } from './money.js';
export { normAccount } from './bank-account.js';
export { normPeriod, parseMonth } from './period.js';
