/** The size check of a data file that is read whole (Node only: it asks the file system). */
import { stat } from 'node:fs/promises';
import { formatBytes } from './limits.js';
import { DataError } from './types.js';

/** Throws before reading a file that is read whole when it is larger than `limit`. */
export async function checkFileBytes(path: string, displayPath: string, limit: number, kind: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw DataError.unreadable(displayPath, error);
  }
  if (size > limit) {
    throw new DataError(
      `${displayPath}: ${formatBytes(size)}, more than the ${formatBytes(limit)} seqnet reads for a ${kind} file (it is read whole); use a smaller file or a sample of it`,
    );
  }
}
