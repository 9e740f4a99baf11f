/**
 * ESP32 (generic ESP32 module, Espruino). Figures from boards/espruino/ESP32.json (the espruino
 * CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const ESP32: BoardProfile = {
  id: 'ESP32',
  name: 'ESP32',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/ESP32.json',
  memory: {
    kind: 'jsvars',
    variables: 16383, // info.variables
    bytesPerVariable: 14, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 16383 -> 14-byte JsVars
  },
  // chip.saved_code: 224 pages x 4096 bytes = 896 KiB flash partition (address 0x320000)
  storageBytes: 224 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  bootFile: '.bootcde',
  // A bare module: no on-board sensors or display.
  sensors: [],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile
    // 'storageMappedFiles' left out on purpose: not verified that readArrayBuffer avoids a RAM
    // copy on this port, so the budget counts the model as RAM.
    'storageFiles',
    'atob', 'typedArrays', 'print', 'processMemory',
  ]),
  cpuMHz: 240, // chip.speed
};
