// node:fs plus a globSync that says it needs Node 22 (only `tier-check` calls it).
import fs from 'node:fs';
export * from 'node:fs';
export default fs;
export function globSync() {
  throw new Error('fs.globSync needs Node 22 or later');
}
