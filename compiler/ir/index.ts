/** The IR: types, invariants, tensor helpers. */
export * from './types';
export { verify, outputSize } from './verify';
export * from './tensor';
