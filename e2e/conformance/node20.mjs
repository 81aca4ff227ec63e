// Lets the conformance CLI start on Node 20: its bundle imports fs.globSync
// (Node 22), which only its `tier-check` command calls. On Node 22 and later
// this does nothing. Use: node --import ./node20.mjs node_modules/.bin/conformance ...
import { register } from 'node:module';
import * as fs from 'node:fs';

if (typeof fs.globSync !== 'function') {
  register('./node20-hooks.mjs', import.meta.url);
}
