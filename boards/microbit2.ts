/**
 * BBC micro:bit v2 (nRF52833, Espruino). Figures from boards/espruino/MICROBIT2.json (the
 * espruino CLI's board description for Espruino 2v29) unless a comment says otherwise.
 */
import type { BoardProfile } from './types';

export const MICROBIT2: BoardProfile = {
  id: 'MICROBIT2',
  name: 'BBC micro:bit 2',
  engine: 'espruino',
  espruinoBoardJson: 'espruino/MICROBIT2.json',
  memory: {
    kind: 'jsvars',
    variables: 6000, // info.variables
    bytesPerVariable: 13, // Espruino src/jsutils.h: JSVAR_CACHE_SIZE <= 8191 -> 13-byte JsVars
  },
  // chip.saved_code: 10 pages x 4096 bytes = 40 KiB of internal flash (address 0x6C000)
  storageBytes: 10 * 4096,
  storageFile: { headerBytes: 32, alignment: 4 }, // Espruino src/jsflash.h JsfFileHeader
  bootFile: '.bootcde',
  // No `screen`: the 5x5 LED matrix is driven with Microbit.show(), not a Graphics `g`.
  // espruino.com/MicroBit: accelerometer + magnetometer (Microbit.accel/mag), microphone
  // (Microbit.record), two buttons, temperature (E.getTemperature).
  sensors: ['accel', 'mag', 'mic', 'button', 'temperature'],
  features: new Set([
    'eConvolve', 'eMapInPlace', 'eCRC32', // no SAVE_ON_FLASH in build.makefile
    'storageFiles', 'storageMappedFiles', // internal flash is memory-mapped
    'atob', 'typedArrays', 'print', 'processMemory',
  ]),
  cpuMHz: 64, // chip.speed
};
