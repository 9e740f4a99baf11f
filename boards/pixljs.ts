/**
 * Pixl.js (nRF52832 with a monochrome LCD, Espruino). Figures from boards/espruino/PIXLJS.json
 * (the espruino CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const PIXLJS: BoardProfile = {
  id: 'PIXLJS',
  name: 'Pixl.js',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/PIXLJS.json',
  memory: {
    kind: 'jsvars',
    variables: 2950, // info.variables
    bytesPerVariable: 13, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 4095 -> 13-byte JsVars
  },
  // chip.saved_code: 9 pages x 4096 bytes = 36 KiB of internal flash (address 0x6D000)
  storageBytes: 9 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  bootFile: '.bootcde',
  // espruino.com/Pixl.js: 128x64 monochrome LCD driven through the global Graphics `g`
  screen: { width: 128, height: 64, bpp: 1 },
  // espruino.com/Pixl.js: four buttons, no motion sensors
  sensors: ['button'],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile (only SAVE_ON_FLASH_MATH)
    'storageFiles', 'storageMappedFiles', // internal flash is memory-mapped
    'atob', 'typedArrays', 'print', 'processMemory',
    'screen',
  ]),
  cpuMHz: 64, // chip.speed
};
