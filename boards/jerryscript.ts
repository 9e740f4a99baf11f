/**
 * JerryScript 3.x (es.next profile) on a microcontroller. There is no board description to
 * read: the heap is a build option of the firmware (JERRY_GLOBAL_HEAP_SIZE, in KiB; the
 * JerryScript build default is 512 KiB, far more than small MCUs give it), so it is a
 * parameter here, defaulting to 64 KiB, in the 16-70 KiB range JerryScript targets use
 * (DESIGN.md). The model is linked into the firmware as a C array (model.h), so there is no
 * Storage budget.
 */
import type { BoardProfile } from './types';

export const JERRYSCRIPT_DEFAULT_HEAP_BYTES = 64 * 1024;

export function jerryscriptBoard(heapBytes: number = JERRYSCRIPT_DEFAULT_HEAP_BYTES): BoardProfile {
  return {
    id: 'JERRYSCRIPT',
    name: `JerryScript 3.x (es.next, ${Math.round(heapBytes / 1024)} KiB heap)`,
    engine: 'jerryscript',
    memory: { kind: 'heap', heapBytes },
    storageBytes: null, // model.h is linked into the firmware image
    sensors: [], // whatever the host firmware binds; none assumed
    features: new Set([
      // es.next profile: ES2015+ typed arrays (JERRY_BUILTIN_TYPEDARRAY is on in es.next)
      'typedArrays',
      // Not an engine built-in: the host registers `print` (jerryx_handler_print, as the
      // README's C snippet does), which the app and self-test use for output.
      'print',
      // No `atob`, no `E.*`, no Storage, no process.memory() (DESIGN.md engine facts).
    ]),
    cpuMHz: null, // depends on the host MCU
  };
}
