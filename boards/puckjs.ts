/**
 * Puck.js (nRF52832 button, Espruino). Figures from boards/espruino/PUCKJS.json (the espruino
 * CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const PUCKJS: BoardProfile = {
  id: 'PUCKJS',
  name: 'Puck.js',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/PUCKJS.json',
  memory: {
    kind: 'jsvars',
    variables: 2630, // info.variables
    bytesPerVariable: 13, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 4095 -> 13-byte JsVars
  },
  // chip.saved_code: 10 pages x 4096 bytes = 40 KiB of internal flash (address 0x6C000)
  storageBytes: 10 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  // No launcher: the app is saved as the boot code, as the Web IDE's "save to flash" does.
  bootFile: '.bootcde',
  // espruino.com/Puck.js: accelerometer/gyro (v2), magnetometer, light, temperature, a button
  sensors: ['accel', 'mag', 'light', 'temperature', 'button'],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile
    'storageFiles', 'storageMappedFiles', // internal flash is memory-mapped
    'atob', 'typedArrays', 'print', 'processMemory',
  ]),
  cpuMHz: 64, // chip.speed
};
