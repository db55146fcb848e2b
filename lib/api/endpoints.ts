import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { EndpointDeclaration } from './endpoint';

/**
 * Every endpoint's declaration, read from the handler files themselves. Deployed, a function is one
 * bundle, so serverless.yml tells it the files (API_ENDPOINTS, written by deploy/functions.cjs) and
 * the bundler includes every `functions/http/*.ts` for this template-literal require; in tests and
 * scripts the directory is listed.
 */
export function loadEndpoints(files = process.env.API_ENDPOINTS): EndpointDeclaration[] {
  const names =
    files?.split(',').filter(Boolean) ??
    readdirSync(path.join(__dirname, '../../functions/http'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => file.slice(0, -'.ts'.length));
  return names
    .map(
      (name) => (require(`../../functions/http/${name}.ts`) as { endpoint?: EndpointDeclaration }).endpoint,
    )
    .filter((endpoint): endpoint is EndpointDeclaration => endpoint !== undefined);
}
