/**
 * One WebSocket route, declared once in its own file (`functions/websocket/<name>.ts`, which exports
 * it as `route` beside `handler`); deploy/functions.cjs makes its function and `websocket` event.
 */
import type { StateUse } from '../pipeline/stage';

export interface RouteDeclaration {
  /** Also the file's name. */
  name: string;
  route: '$connect' | '$disconnect' | '$default' | (string & {});
  description: string;
  timeout?: number;
  /** The player-state tables it uses: its own role gets only their actions (deploy/state-roles.cjs). */
  state?: StateUse;
}

export const declareRoute = (route: RouteDeclaration): RouteDeclaration => route;
