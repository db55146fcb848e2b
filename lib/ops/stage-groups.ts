import { z } from 'zod';
import { ConfigError } from '../errors';
import type { StageGroup } from './metrics';

const StageGroups = z.array(
  z.object({ stage: z.string().min(1), group: z.string().min(1), topic: z.string().min(1) }),
);

/** `[{stage, group, topic}]` as JSON; anything else is a configuration error naming what is wrong. */
export function parseStageGroups(value: string | undefined): StageGroup[] {
  if (!value) throw new ConfigError('OPS_STAGES is not set (deploy/functions.cjs writes it for ops-metrics)');
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch (error) {
    throw new ConfigError(`OPS_STAGES is not JSON: ${(error as Error).message}`);
  }
  const result = StageGroups.safeParse(json);
  if (!result.success)
    throw new ConfigError(`OPS_STAGES is not a list of {stage, group, topic}: ${result.error.message}`);
  return result.data;
}

let cached: StageGroup[] | undefined;

/**
 * The stages whose lag the metrics document shows. A bundled function cannot list
 * functions/pipeline, so deploy/functions.cjs writes them into OPS_STAGES (from the stage
 * declarations and `param:stageGroupPrefix`); parsed once per container.
 */
export function stageGroups(): StageGroup[] {
  cached ??= parseStageGroups(process.env.OPS_STAGES);
  return cached;
}
