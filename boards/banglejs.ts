/**
 * Bangle.js (1) (nRF52832 watch, Espruino). Figures from boards/espruino/BANGLEJS.json (the
 * espruino CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const BANGLEJS: BoardProfile = {
  id: 'BANGLEJS',
  name: 'Bangle.js',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/BANGLEJS.json',
  // BangleApps bin/sanitycheck.js SUPPORTS_DEVICES
  appLoaderDevice: 'BANGLEJS',
  memory: {
    kind: 'jsvars',
    variables: 2584, // info.variables
    bytesPerVariable: 13, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 4095 -> 13-byte JsVars
  },
  // chip.saved_code: 1024 pages x 4096 bytes = 4 MiB of external SPI flash (address 0x60000000)
  storageBytes: 1024 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  // espruino.com/Bangle.js: 240x240 16-bit colour LCD (build libraries: LCD_ST7789_8BIT)
  screen: { width: 240, height: 240, bpp: 16 },
  // espruino.com/Bangle.js: accelerometer + magnetometer, HRM, GPS, two touch areas, 3 buttons
  sensors: ['accel', 'gesture', 'mag', 'hrm', 'gps', 'touch', 'button'],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile (only SAVE_ON_FLASH_MATH)
    'storageFiles', 'storageMappedFiles',
    'atob', 'typedArrays', 'print', 'processMemory',
    'launcher', 'appLoader', 'screen', 'buzz',
    'unicode', // build.makefile: -DESPR_UNICODE_SUPPORT=1
  ]),
  cpuMHz: 64, // chip.speed
};
