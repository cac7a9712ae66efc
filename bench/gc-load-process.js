#!/usr/bin/env node
// The GC-heavy load of bench/lib/gc-load.js in a process of its own, until SIGTERM. The native passthrough
// has no control thread to load, so this puts the same CPU and GC pressure on the machine beside it: the
// like-for-like floor for mixd's window under that load.
import process from 'node:process';
import { startGcLoad } from './lib/gc-load.js';

const stop = startGcLoad();
process.once('SIGTERM', () => {
  stop();
  process.exit(0);
});
