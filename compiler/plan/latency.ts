/**
 * The per-board latency estimate a build writes into report.md: the cost model calibrated by
 * `npm run bench` (bench/calibration.ts documents the model and its assumptions; the fitted
 * figures are committed in bench/calibration.json). Without a calibration file there is no
 * estimate (null) rather than a made-up number. selftest.js measures the real figure on a device.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardProfile } from '../../boards/types';
import type { ModelIR } from '../ir/types';
import { estimateStep, loadCalibration } from '../../bench/calibration';

export const CALIBRATION_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/calibration.json');

export function estimateMsPerStep(board: BoardProfile, ir: ModelIR): number | null {
  if (!fs.existsSync(CALIBRATION_FILE)) return null;
  const ms = estimateStep(loadCalibration(CALIBRATION_FILE), board, ir).msPerStep;
  return ms === null ? null : Math.round(ms * 1000) / 1000;
}
