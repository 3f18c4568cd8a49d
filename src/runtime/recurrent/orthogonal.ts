/**
 * A seeded orthogonal matrix (Saxe et al. 2014), computed in plain float64 JavaScript.
 *
 * tfjs's own `orthogonal` initializer runs a Gram–Schmidt QR out of hundreds of small tensor ops: about
 * 2–7 s for one `[128, 512]` recurrent kernel on the cpu backend, paid by every model build. The same
 * construction on typed arrays takes milliseconds. As in Keras and tfjs: draw a standard normal matrix of the
 * transposed shape when there are fewer rows than columns, take Q of its QR decomposition with the signs of
 * R's diagonal folded in (so the distribution is uniform over orthogonal matrices, Mezzadri 2007), and
 * transpose back. The result has orthonormal rows (`rows ≤ cols`) or columns (`rows > cols`).
 */

/** A mulberry32 stream of uniforms in (0, 1) from a 32-bit seed. */
function uniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Standard normal samples by the Box–Muller transform. */
function normals(count: number, seed: number): Float64Array {
  const next = uniforms(seed);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(next()));
    const angle = 2 * Math.PI * next();
    values[i] = radius * Math.cos(angle);
    if (i + 1 < count) values[i + 1] = radius * Math.sin(angle);
  }
  return values;
}

/**
 * Orthonormalizes the `k` columns of the row-major `[n, k]` matrix `a` in place (n ≥ k) by modified
 * Gram–Schmidt, applying sign(R_jj) to column j, which is what QR with a positive-diagonal convention and
 * the sign correction amount to.
 */
function orthonormalizeColumns(a: Float64Array, n: number, k: number): void {
  for (let j = 0; j < k; j += 1) {
    for (let p = 0; p < j; p += 1) {
      let dot = 0;
      for (let i = 0; i < n; i += 1) dot += a[i * k + p] * a[i * k + j];
      for (let i = 0; i < n; i += 1) a[i * k + j] -= dot * a[i * k + p];
    }
    let norm = 0;
    for (let i = 0; i < n; i += 1) norm += a[i * k + j] ** 2;
    norm = Math.sqrt(norm);
    // A zero column has probability zero for a normal draw; keep it rather than divide by zero.
    if (norm === 0) continue;
    for (let i = 0; i < n; i += 1) a[i * k + j] /= norm;
  }
}

/** A `[rows, cols]` row-major orthogonal matrix scaled by `gain`, reproducible from `seed`. */
export function orthogonalMatrix(rows: number, cols: number, seed: number, gain = 1): Float32Array {
  const tall = rows >= cols;
  const n = tall ? rows : cols;
  const k = tall ? cols : rows;
  const a = normals(n * k, seed);
  orthonormalizeColumns(a, n, k);
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < k; j += 1) {
      const value = gain * a[i * k + j];
      if (tall) out[i * cols + j] = value;
      else out[j * cols + i] = value;
    }
  }
  return out;
}
