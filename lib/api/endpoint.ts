import type { z } from 'zod';
import type { ErrorCode } from '../errors';
import type { HttpHandlerSpec } from '../middleware';
import type { StateUse } from '../pipeline/stage';

export const API_PREFIX = '/api/kafka';

/**
 * One HTTP endpoint, declared once in its own file (`functions/http/<name>.ts`, which exports it as
 * `endpoint` beside `handler = httpHandler(endpoint)`). The serverless.yml function and its `http`
 * event, its caller's credential, the OpenAPI operation and the tests' expectations all come from it.
 */
export interface EndpointDeclaration<Schema extends z.ZodType | undefined = z.ZodType | undefined>
  extends HttpHandlerSpec<Schema> {
  /** Also the file's name; the function's key is its camelCase (`send-user-action` → `sendUserAction`). */
  name: string;
  method: 'GET' | 'POST';
  /** Path below the API prefix, API Gateway style (`{name}` parameters). */
  path: string;
  /** What each path parameter may be, for the document (a plain string otherwise). */
  parameters?: Record<string, z.ZodType>;
  summary: string;
  tag: 'topics' | 'messages' | 'game' | 'players' | 'ops' | 'service';
  response?: z.ZodType;
  /** A request body it accepts, shown in the document (and sent by the conformance test). */
  example?: Record<string, unknown>;
  /** Status of a successful answer. */
  status: 200 | 201 | 202;
  contentType?: 'text/html';
  /**
   * The failures it may answer with, beyond those its request body and caller imply (400, 413 and
   * 415 for a body; 401 and 403 for a protected caller).
   */
  errors?: readonly ErrorCode[];
  /** Served by `npm start` only (a local tool such as the player page), never deployed. */
  localOnly?: boolean;
  /** The player-state tables it uses (deploy/tables.cjs USES); its role gets only those actions. */
  state?: StateUse;
}

/** An endpoint, declared once. */
export const declareEndpoint = <Schema extends z.ZodType | undefined = undefined>(
  endpoint: EndpointDeclaration<Schema>,
): EndpointDeclaration<Schema> => endpoint;
