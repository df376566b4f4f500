import type { SourceSpec } from '../../config/types.js';
import { InternalError } from '../../errors.js';
import type { OpenedSource } from './types.js';

export class ArrowSource {
  static async open(_spec: SourceSpec): Promise<OpenedSource> {
    throw new InternalError('arrow reader not implemented yet');
  }
}
