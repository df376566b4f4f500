/**
 * Arrow IPC reader (file or stream format): apache-arrow RecordBatchReader, one batch at a time, so memory stays
 * bounded. Field names are the header (physical row 1); data row i is physical row i+1; every row counts, even
 * an all-null one. Values are printed like the spreadsheet readers do (dates, numbers without float noise).
 */
import fs from 'node:fs';
import { RecordBatchReader, Type, type DataType } from 'apache-arrow';
import type { SourceSpec } from '../../config/types.js';
import { formatDate, formatNumber } from './cell-format.js';
import { badColumnar, emptyFile } from './diagnostics.js';
import { RowSpool, SpooledSource, type SpoolResult } from './spooled.js';

function arrowText(v: unknown, type: DataType): string {
  if (v === null || v === undefined) return '';
  switch (type.typeId) {
    case Type.Date:
    case Type.DateDay:
    case Type.DateMillisecond:
      return formatDate(new Date(Number(v)));
    case Type.Timestamp:
    case Type.TimestampSecond:
    case Type.TimestampMillisecond:
    case Type.TimestampMicrosecond:
    case Type.TimestampNanosecond:
      return formatDate(new Date(Number(v)));
    default:
      break;
  }
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return formatNumber(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'object':
      if (v instanceof Date) return formatDate(v);
      if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
      return String(v);
    default:
      return String(v);
  }
}

export class ArrowSource extends SpooledSource {
  readonly format = 'arrow' as const;
  protected readonly errorPrefix = 'arrow';

  private constructor(readonly spec: SourceSpec) {
    super();
  }

  static async open(spec: SourceSpec): Promise<ArrowSource> {
    try {
      const reader = await RecordBatchReader.from(fs.createReadStream(spec.path));
      await reader.open();
      if (!reader.schema) throw new Error('no schema');
      await reader.cancel();
    } catch (e) {
      throw badColumnar(spec.displayPath, 'arrow', String((e as Error).message).slice(0, 300));
    }
    return new ArrowSource(spec);
  }

  protected emptyError(): Error {
    return emptyFile(this.spec.displayPath);
  }

  protected async spool(spool: RowSpool): Promise<SpoolResult> {
    let row = 1;
    try {
      const reader = await RecordBatchReader.from(fs.createReadStream(this.spec.path));
      await reader.open();
      const fields = reader.schema.fields;
      await spool.row(1, fields.map((f) => f.name), true);
      for await (const batch of reader) {
        const cols = fields.map((_, i) => batch.getChildAt(i));
        for (let r = 0; r < batch.numRows; r++) {
          const cells = new Array<string>(cols.length);
          for (let c = 0; c < cols.length; c++) cells[c] = arrowText(cols[c]?.get(r), fields[c].type);
          const wait = spool.row(++row, cells, true);
          if (wait) await wait;
        }
      }
    } catch (e) {
      if ((e as { diagnostics?: unknown }).diagnostics) throw e;
      throw badColumnar(this.spec.displayPath, 'arrow', String((e as Error).message).slice(0, 300));
    }
    return { merges: [] };
  }
}
