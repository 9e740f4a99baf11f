/**
 * Bangle.js 2 (nRF52840 watch, Espruino). Figures from boards/espruino/BANGLEJS2.json (the
 * espruino CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const BANGLEJS2: BoardProfile = {
  id: 'BANGLEJS2',
  name: 'Bangle.js 2',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/BANGLEJS2.json',
  // BangleApps bin/sanitycheck.js SUPPORTS_DEVICES
  appLoaderDevice: 'BANGLEJS2',
  memory: {
    kind: 'jsvars',
    variables: 12000, // info.variables
    bytesPerVariable: 14, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 16383 -> 14-byte JsVars
  },
  // chip.saved_code: 2048 pages x 4096 bytes = 8 MiB of external SPI flash (address 0x60000000)
  storageBytes: 2048 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  // espruino.com/Bangle.js2: 176x176 3-bit colour memory LCD (build libraries: LCD_MEMLCD)
  screen: { width: 176, height: 176, bpp: 3 },
  // espruino.com/Bangle.js2: accelerometer + magnetometer, HRM, pressure sensor, GPS,
  // touchscreen, one button; 'gesture' is the firmware's accelerometer gesture event.
  sensors: ['accel', 'gesture', 'mag', 'hrm', 'pressure', 'gps', 'touch', 'button'],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile
    'storageFiles', 'storageMappedFiles', // builtin_modules has Storage; flash strings, no RAM copy
    'atob', 'typedArrays', 'print', 'processMemory',
    'launcher', 'appLoader', 'screen', 'buzz',
    'unicode', // build.makefile: -DESPR_UNICODE_SUPPORT=1
  ]),
  cpuMHz: 64, // chip.speed
};
