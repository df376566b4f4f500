import type { SourceSpec } from '../../config/types.js';
import { InternalError } from '../../errors.js';
import type { OpenedSource } from './types.js';

export class ParquetSource {
  static async open(_spec: SourceSpec): Promise<OpenedSource> {
    throw new InternalError('parquet reader not implemented yet');
  }
}
