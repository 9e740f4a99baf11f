/**
 * Kernel-set choice from a board's feature set: the Espruino set needs both native helpers
 * (`eConvolve` for row dot products, `eMapInPlace` for table lookups); anything else runs the
 * reference kernels. Board names never appear here, only features (boards/*.ts).
 */
export function chooseKernels(features: { has(f: string): boolean } | undefined): 'ref' | 'espruino' {
  if (features && features.has('eConvolve') && features.has('eMapInPlace')) return 'espruino';
  return 'ref';
}
