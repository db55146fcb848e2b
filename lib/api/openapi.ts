import { z } from 'zod';
import { HTTP_STATUS } from '../errors';
import { catalogue, catalogueTopics } from '../events/catalogue';
import { API_PREFIX, type EndpointDeclaration } from './endpoint';
import { loadEndpoints } from './endpoints';
import { ErrorResponse } from './requests';

type JsonSchema = Record<string, unknown>;

/** zod → JSON Schema 2020-12, the dialect OpenAPI 3.1 uses. */
const jsonSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  });
  return rest;
};

const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const errorRef = { $ref: '#/components/schemas/Error' };
const error = (description: string) => ({ description, content: json(errorRef) });

const pascal = (topic: string) => topic.replace(/(^|_)(\w)/g, (_, _u: string, c: string) => c.toUpperCase());

/** What each error code means to a caller, in the document. */
const ERROR_DESCRIPTIONS: Partial<Record<keyof typeof HTTP_STATUS, string>> = {
  invalid_topic: 'The topic name is not one Kafka accepts',
  invalid_cursor: 'The cursor is not one this API handed out',
  not_found: 'No such resource',
  broker_unavailable: 'Kafka is unreachable; retry after the Retry-After seconds. Nothing was produced.',
  unavailable: 'A dependency is unreachable; retry after the Retry-After seconds. Nothing was changed.',
};

/** API Gateway refuses a missing or unknown key itself, with its own body; a known key of another role gets ours. */
const refusedCaller = {
  type: 'object',
  anyOf: [
    { properties: { message: { type: 'string' } }, required: ['message'] },
    { $ref: '#/components/schemas/Error' },
  ],
};

const SECURITY_SCHEMES = {
  gameServer: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: "The game server's API key: every endpoint that produces events or changes a player",
  },
  operator: {
    type: 'apiKey',
    in: 'header',
    name: 'x-api-key',
    description: "The operator's API key: topic administration, configuration, operations",
  },
};

type Responses = Record<string, { description: string } & Record<string, unknown>>;

function responsesOf(endpoint: EndpointDeclaration): Responses {
  const responses: Responses = {
    [endpoint.status]: {
      description: endpoint.status === 202 ? 'Accepted: every event acknowledged by Kafka (acks=all)' : 'OK',
      content:
        endpoint.contentType === 'text/html'
          ? { 'text/html': { schema: { type: 'string' } } }
          : json(endpoint.response ? jsonSchema(endpoint.response, 'output') : { type: 'object' }),
    },
  };
  if (endpoint.request) {
    responses[400] = error('The body is not JSON, or fails its schema (each wrong field is named)');
    responses[413] = error('The body or the batch is larger than allowed');
    responses[415] = error('The body is not application/json');
  }
  for (const code of endpoint.errors ?? []) {
    const status = HTTP_STATUS[code];
    const described = ERROR_DESCRIPTIONS[code] ?? code;
    const existing = responses[status];
    responses[status] = existing
      ? { ...existing, description: `${existing.description}; or: ${described}` }
      : {
          ...error(described),
          ...(status === 503 && { headers: { 'Retry-After': { schema: { type: 'integer' } } } }),
        };
  }
  if (endpoint.caller !== 'public') {
    responses[401] = { description: 'No x-api-key', content: json(refusedCaller) };
    responses[403] = {
      description: "An x-api-key that is not this endpoint's caller's",
      content: json(refusedCaller),
    };
  }
  return responses;
}

const pathParameters = ({ path, parameters }: EndpointDeclaration) =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const schema = parameters?.[name!];
    return {
      name,
      in: 'path',
      required: true,
      schema: schema ? jsonSchema(schema, 'input') : { type: 'string' },
    };
  });

function operation(endpoint: EndpointDeclaration) {
  const parameters = pathParameters(endpoint);
  return {
    operationId: endpoint.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
    summary: endpoint.summary,
    tags: [endpoint.tag],
    security: endpoint.caller === 'public' ? [] : [{ [endpoint.caller]: [] }],
    ...(parameters.length > 0 && { parameters }),
    ...(endpoint.request && {
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: jsonSchema(endpoint.request, 'input'),
            ...(endpoint.example && { example: endpoint.example }),
          },
        },
      },
    }),
    responses: responsesOf(endpoint),
  };
}

/** The OpenAPI 3.1 document of the HTTP API, generated from the same zod schemas the functions use. */
export function openApiDocument(endpoints = loadEndpoints(), serverUrl = '/') {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const endpoint of endpoints) {
    const path = `${API_PREFIX}${endpoint.path}`;
    paths[path] = { ...paths[path], [endpoint.method.toLowerCase()]: operation(endpoint) };
  }
  const topicSchemas: Record<string, JsonSchema> = Object.fromEntries(
    catalogueTopics.map((topic) => [`${pascal(topic)}Event`, jsonSchema(catalogue[topic].schema, 'output')]),
  );
  return {
    openapi: '3.1.0',
    info: {
      title: 'Casino-Club F2P event backbone',
      version: '0.1.0',
      description:
        'Produces game events to Kafka. Every accepted event is acknowledged by all in-sync replicas before the 202. ' +
        'The `components.schemas` also document the record on each topic (e.g. `NotificationsEvent`, the contract for push services).',
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: 'topics', description: 'Topic administration' },
      { name: 'messages', description: 'Produce events in the seed message format' },
      { name: 'game', description: 'Start the game scenario pipelines' },
      { name: 'players', description: "A player's state, as the stages keep it" },
      { name: 'ops', description: 'Operations: lag, rates, dead letters, redrive' },
      { name: 'service', description: 'Health, configuration and documentation' },
    ],
    paths,
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: { Error: jsonSchema(ErrorResponse, 'output'), ...topicSchemas } as Record<string, JsonSchema>,
    },
  };
}
