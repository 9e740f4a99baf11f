#!/usr/bin/env node
// The `watchword` command. The compiler is TypeScript run through tsx (no build step).
import { register } from 'tsx/esm/api';
register();
await import('../compiler/cli.ts');
