import { readFileSync } from 'node:fs';
import type { UplotAssets } from './console-page';

let cached: UplotAssets | undefined;

/**
 * uPlot's browser build and stylesheet read from node_modules, for tests and scripts (which run
 * the TypeScript as it is). A bundled function uses lib/ops/uplot-inlined.ts instead: a Lambda
 * package has no node_modules, and this file's require.resolve would not survive bundling.
 */
export function uplotAssets(): UplotAssets {
  cached ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return cached;
}
