import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ClusterLayout } from './layout';

/** How the broker of a cluster was started, so `stopBroker` stops that and nothing else. */
export interface RunnerState {
  mode: 'docker' | 'java';
  kafkaVersion: string;
  bootstrap: string;
  startedAt: string;
}

export function readState(layout: ClusterLayout): RunnerState | undefined {
  if (!existsSync(layout.stateFile)) return undefined;
  try {
    const state = JSON.parse(readFileSync(layout.stateFile, 'utf8')) as Partial<RunnerState>;
    return state.mode === 'docker' || state.mode === 'java' ? (state as RunnerState) : undefined;
  } catch {
    return undefined;
  }
}

export function writeState(layout: ClusterLayout, state: RunnerState): void {
  mkdirSync(path.dirname(layout.stateFile), { recursive: true });
  writeFileSync(layout.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}

export const clearState = (layout: ClusterLayout): void => rmSync(layout.stateFile, { force: true });
