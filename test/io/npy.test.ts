import { describe, expect, it } from 'vitest';
import { encodeNpyFloat32 } from '../../src/io/npy.js';

/** The header dictionary and data of an .npy file, parsed as numpy's format description says. */
function parseNpy(bytes: Uint8Array): { header: string; values: Float32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint16(8, true);
  const header = Buffer.from(bytes.subarray(10, 10 + headerLength)).toString('latin1');
  const data = bytes.slice(10 + headerLength);
  return { header, values: new Float32Array(data.buffer, 0, data.byteLength / 4) };
}

describe('encodeNpyFloat32', () => {
  it('writes the v1.0 magic, a header padded to 64 bytes and ended by a newline, then the values', () => {
    const values = Float32Array.from([1.5, -2, 0.1, 3e38, -0, 7]);
    const bytes = encodeNpyFloat32(values, [2, 3, 1]);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const { header, values: read } = parseNpy(bytes);
    expect((10 + header.length) % 64).toBe(0);
    expect(header.endsWith('\n')).toBe(true);
    expect(header.trimEnd()).toBe("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 1), }");
    expect([...read]).toEqual([...values]);
  });

  it('writes one dimension as a one-element tuple and zero samples as an empty array', () => {
    expect(parseNpy(encodeNpyFloat32(Float32Array.from([4, 5]), [2])).header).toContain("'shape': (2,)");
    const empty = encodeNpyFloat32(new Float32Array(0), [0, 50, 1]);
    expect(parseNpy(empty).header).toContain("'shape': (0, 50, 1)");
    expect(empty.byteLength % 64).toBe(0);
  });

  it('refuses a shape that does not hold the values', () => {
    expect(() => encodeNpyFloat32(new Float32Array(5), [2, 3])).toThrow(/does not hold 5 values/);
    expect(() => encodeNpyFloat32(new Float32Array(0), [-1])).toThrow();
  });
});
