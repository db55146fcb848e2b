import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generatedFunctions } from '../../helpers/generated-functions';

const root = join(__dirname, '../../..');

describe('the WebSocket functions deploy/functions.cjs makes from the route declarations', () => {
  type Fn = { handler: string; description: string; events: Record<string, Record<string, unknown>>[] };
  const made = () => generatedFunctions<Fn>('aws');

  it('gives each route file one function with one websocket event on its route', async () => {
    const functions = await made();
    const websocket = Object.entries(functions).filter(([, fn]) => fn.events.some((e) => 'websocket' in e));
    const files = readdirSync(join(root, 'functions/websocket')).filter((f) => f.endsWith('.ts'));
    expect(websocket).toHaveLength(files.length);
    expect(Object.fromEntries(websocket.map(([key, fn]) => [key, [fn.handler, fn.events]]))).toEqual({
      websocketConnect: ['functions/websocket/connect.handler', [{ websocket: { route: '$connect' } }]],
      websocketDisconnect: [
        'functions/websocket/disconnect.handler',
        [{ websocket: { route: '$disconnect' } }],
      ],
      websocketDefault: ['functions/websocket/default.handler', [{ websocket: { route: '$default' } }]],
    });
    for (const [, fn] of websocket) expect(fn.description.length).toBeGreaterThan(10);
  });

  it('deploys the player page nowhere but locally, and the session endpoint everywhere', async () => {
    const functions = await made();
    expect(functions.getPlay).toBeUndefined();
    expect(functions.createPlayerSession?.events).toEqual([
      { http: { method: 'post', path: 'api/kafka/players/{user_id}/session', private: true } },
    ]);
  });

  it("puts the player's latency path and the push on a zero batching window, the rest on the shared one", async () => {
    const functions = await made();
    const windows = Object.fromEntries(
      Object.entries(functions)
        .filter(([, fn]) => fn.events.some((e) => 'kafka' in e))
        .map(([key, fn]) => [key, fn.events[0]?.kafka?.maximumBatchingWindow]),
    );
    expect(windows).toMatchObject({
      processUserAction: 0,
      analyzeGameResult: 0,
      deliverFeedback: 0,
      pushNotifications: 0,
      analyzeMonetization: undefined,
    });
  });
});
