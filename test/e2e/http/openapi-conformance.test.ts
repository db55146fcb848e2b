import path from 'node:path';
import { catalogueTopics } from '../../../lib/events/catalogue';
import { ensureCatalogueTopics } from '../../../lib/events/topics';
import { deleteTopics, topicEndOffsets } from '../../../lib/kafka/admin';
import { ADMIN_KEY, GAME_KEY } from '../../helpers/api-keys';
import { request } from '../../helpers/http';
import { freePort, type OfflineServer, startOffline } from '../../helpers/offline-server';

// The API enforces what its OpenAPI document says, no more and no less: for every operation of the
// document a real `serverless offline start` serves, the request the document derives (its example
// body, its caller's key) is accepted with the documented status, and the same body missing one
// required field, or sent without the right key, is refused and produces nothing.

jest.setTimeout(240_000);

interface Operation {
  security: Record<string, string[]>[];
  requestBody?: {
    content: { 'application/json': { schema: JsonSchema; example?: Record<string, unknown> } };
  };
  responses: Record<string, unknown>;
}
interface JsonSchema {
  required?: string[];
  anyOf?: JsonSchema[];
}

let server: OfflineServer;
let api: string;
let operations: { method: string; path: string; operation: Operation }[];

const KEYS: Record<string, string> = { gameServer: GAME_KEY, operator: ADMIN_KEY };
const keyOf = (operation: Operation) => {
  const scheme = Object.keys(operation.security[0] ?? {})[0];
  return scheme === undefined ? undefined : KEYS[scheme];
};
/** A value for each path parameter the document's operations take. */
const PATH_VALUES: Record<string, string> = {
  name: 'user_actions',
  topic: 'user_actions_dlq',
  user_id: 'user_12345',
};
const url = (opPath: string) =>
  `${server.httpUrl}${opPath.replace(/\{(\w+)\}/g, (_, name: string) => PATH_VALUES[name] ?? name)}`;

/** Everything on the nine topics, to show a refused request produced nothing. */
const produced = async () => {
  let total = 0n;
  for (const topic of catalogueTopics)
    for (const offset of Object.values(await topicEndOffsets(topic))) total += BigInt(offset);
  return total;
};

beforeAll(async () => {
  await ensureCatalogueTopics();
  server = await startOffline({
    cwd: path.resolve(__dirname, '../../..'),
    httpPort: await freePort(),
    lambdaPort: await freePort(),
    // Only the HTTP API is under test: the stages' consumers stay off.
    args: ['--kafkaEnabled', 'false'],
    env: { LOG_LEVEL: 'warn' },
    readyTimeoutMs: 180_000,
  });
  api = `${server.httpUrl}/api/kafka`;
  const document = (await request(`${api}/openapi.json`, { anonymous: true })).json as {
    paths: Record<string, Record<string, Operation>>;
  };
  operations = Object.entries(document.paths).flatMap(([opPath, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({ method, path: opPath, operation })),
  );
});

afterAll(async () => {
  await server?.stop();
});

it('the document has every operation with its security, and a body example wherever it takes a body', () => {
  expect(operations.length).toBeGreaterThanOrEqual(15);
  for (const { path: opPath, operation } of operations) {
    expect({ opPath, security: Array.isArray(operation.security) }).toEqual({ opPath, security: true });
    if (operation.requestBody)
      expect({
        opPath,
        example: operation.requestBody.content['application/json'].example !== undefined,
      }).toEqual({
        opPath,
        example: true,
      });
  }
});

it('accepts the body each operation documents, with its caller’s key, answering the documented status', async () => {
  const createdTopics: string[] = [];
  for (const { method, path: opPath, operation } of operations) {
    const key = keyOf(operation);
    const body = operation.requestBody?.content['application/json'].example;
    const answer = await request(url(opPath), {
      method: method.toUpperCase(),
      ...(body && { body }),
      ...(key ? { headers: { 'x-api-key': key } } : { anonymous: true }),
    });
    const success = Number(Object.keys(operation.responses).find((status) => status.startsWith('2')));
    // A valid request about something that does not exist (a player never seen) is answered with
    // the 404 the operation documents; anything else must be its success status.
    const expected =
      answer.status === 404 && opPath.includes('{') && operation.responses['404'] ? 404 : success;
    expect({ method, opPath, status: answer.status }).toEqual({ method, opPath, status: expected });
    if (opPath.endsWith('/topics/create')) createdTopics.push(...(answer.json.created as string[]));
  }
  if (createdTopics.length > 0) await deleteTopics(createdTopics);
});

it('refuses the documented body missing a required field, and any call without its caller’s key; nothing is produced', async () => {
  const before = await produced();
  for (const { method, path: opPath, operation } of operations) {
    const key = keyOf(operation);
    const documented = operation.requestBody?.content['application/json'];
    if (documented?.example) {
      const schema = documented.schema.anyOf?.[0] ?? documented.schema;
      const field = schema.required?.[0];
      expect({ opPath, field }).toEqual({ opPath, field: expect.any(String) });
      const { [field!]: _dropped, ...invalid } = documented.example;
      const answer = await request(url(opPath), {
        method: method.toUpperCase(),
        body: invalid,
        ...(key && { headers: { 'x-api-key': key } }),
      });
      expect({ opPath, status: answer.status, path: answer.json.error?.issues?.[0]?.path }).toEqual({
        opPath,
        status: 400,
        path: field,
      });
    }
    if (key === undefined) continue;
    const body = documented?.example;
    const send = (headers: Record<string, string> | undefined) =>
      request(url(opPath), {
        method: method.toUpperCase(),
        ...(body && { body }),
        ...(headers ? { headers } : { anonymous: true }),
      });
    const otherRole = key === GAME_KEY ? ADMIN_KEY : GAME_KEY;
    const refusals = [
      (await send(undefined)).status,
      (await send({ 'x-api-key': 'not-a-key-of-this-api' })).status,
      (await send({ 'x-api-key': otherRole })).status,
    ];
    expect({ opPath, refusals }).toEqual({ opPath, refusals: [403, 403, 403] });
  }
  expect(await produced()).toBe(before);
});
