/**
 * NumPy's `.npy` format, version 1.0, for little-endian float32 arrays: what `numpy.load` reads with no
 * package besides numpy. The format is a magic string, a two-byte header length and a Python-literal header
 * (`{'descr': '<f4', 'fortran_order': False, 'shape': (…), }`) padded with spaces to a multiple of 64 bytes
 * (so the data is aligned), then the values in C order. Specification: numpy's `numpy.lib.format` docs.
 */

const MAGIC = [0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0];
/** Magic (6) + version (2) + header length (2). */
const PREAMBLE_BYTES = 10;
const ALIGNMENT = 64;

/** The shape as a Python tuple literal: `(3,)` for one dimension, `()` for a scalar. */
function shapeLiteral(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The header text, padded with spaces and ended by a newline so that the data starts 64-byte aligned. */
function npyHeader(shape: readonly number[]): string {
  const dictionary = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeLiteral(shape)}, }`;
  const unpadded = PREAMBLE_BYTES + dictionary.length + 1;
  const padding = (ALIGNMENT - (unpadded % ALIGNMENT)) % ALIGNMENT;
  return `${dictionary}${' '.repeat(padding)}\n`;
}

/** The bytes of an `.npy` file holding `values` (C order) with `shape`; the two must agree in size. */
export function encodeNpyFloat32(values: Float32Array, shape: readonly number[]): Uint8Array {
  const size = shape.reduce((product, length) => product * length, 1);
  if (!shape.every((length) => Number.isInteger(length) && length >= 0) || size !== values.length) {
    throw new Error(`encodeNpyFloat32: shape [${shape.join(', ')}] does not hold ${values.length} values`);
  }
  const header = Buffer.from(npyHeader(shape), 'latin1');
  const bytes = new Uint8Array(PREAMBLE_BYTES + header.length + values.length * 4);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(header, PREAMBLE_BYTES);
  const data = new DataView(bytes.buffer, PREAMBLE_BYTES + header.length);
  // DataView with an explicit little-endian flag: correct on any host byte order.
  values.forEach((value, i) => data.setFloat32(i * 4, value, true));
  return bytes;
}
