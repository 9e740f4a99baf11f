/**
 * Turns real requantization factors into integer multipliers of at most 15 bits sharing one
 * power-of-two shift: M_r = round(m_r * 2^s) with s the largest shift (<= 52) that keeps
 * every M_r <= 32767. One shift per layer keeps the file lean; rows whose factor is far
 * below the layer's largest get fewer significant bits (the relative error is reported).
 */
import { WatchwordError } from '../errors';

export function multipliers(m: ArrayLike<number>, where: string): { M: Uint16Array; shift: number; err: number } {
  let max = 0;
  for (let r = 0; r < m.length; r++) {
    if (!(m[r] >= 0) || !Number.isFinite(m[r])) throw new WatchwordError(`${where}: requantization factor of row ${r} is ${m[r]}`);
    if (m[r] > max) max = m[r];
  }
  if (Math.round(max) > 32767) {
    throw new WatchwordError(`${where}: requantization factor ${max.toPrecision(6)} needs more than 15 bits (the bound is 32767): the layer's output scale is far finer than its inputs allow`);
  }
  let shift = 0;
  while (shift < 52 && Math.round(max * 2 ** (shift + 1)) <= 32767) shift++;
  const M = new Uint16Array(m.length);
  let err = 0;
  for (let r = 0; r < m.length; r++) {
    M[r] = Math.round(m[r] * 2 ** shift);
    if (m[r] > 0) err = Math.max(err, Math.abs(M[r] / 2 ** shift - m[r]) / m[r]);
  }
  return { M, shift, err };
}
