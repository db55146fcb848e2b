// The bundler (esbuild, serverless-esbuild) inlines both files as text, so a deployed function
// needs no node_modules; loaded only by the console endpoint's handler, never under jest or tsx
// (which cannot import a file as text): they use uplotAssets() from node_modules instead.
import js from 'uplot/dist/uPlot.iife.min.js' with { type: 'text' };
import css from 'uplot/dist/uPlot.min.css' with { type: 'text' };
import type { UplotAssets } from './console-page';

export const inlinedUplot: UplotAssets = { js, css };
