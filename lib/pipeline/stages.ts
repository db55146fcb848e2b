import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { StageDeclaration } from './stage';

/**
 * Every stage's declaration, read from the stage functions' files (`functions/pipeline/*.ts`
 * exporting `stage`): for scripts and tests, which count and check what the declarations say.
 */
export function loadStages(): StageDeclaration[] {
  const dir = path.join(__dirname, '../../functions/pipeline');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .sort()
    .map((file) => (require(path.join(dir, file)) as { stage?: StageDeclaration }).stage)
    .filter((stage): stage is StageDeclaration => stage !== undefined);
}
