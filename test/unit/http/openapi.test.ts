import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { parse } from 'yaml';
import { handler as getDocs } from '../../../functions/http/get-docs';
import { handler as getOpenapi } from '../../../functions/http/get-openapi';
import { openApiDocument } from '../../../lib/api/openapi';
import { API_PREFIX, routes } from '../../../lib/api/routes';
import { invoke, lambdaContext, restEvent } from '../../fixtures/api-gateway';

const root = join(__dirname, '../../..');

describe('OpenAPI document', () => {
  it('validates as OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(openApiDocument());
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('lists every endpoint, with its request schema', () => {
    const { paths } = openApiDocument();
    for (const route of routes) {
      const op = paths[`${API_PREFIX}${route.path}`]?.[route.method.toLowerCase()];
      expect(op).toBeDefined();
      expect(Boolean(op?.requestBody)).toBe(Boolean(route.request));
    }
    expect(Object.values(paths).flatMap((p) => Object.keys(p))).toHaveLength(routes.length);
  });

  it('documents the notification record other services consume', () => {
    const schema = openApiDocument().components.schemas.NotificationsEvent as { required: string[] };
    expect(schema.required).toEqual(expect.arrayContaining(['event_id', 'user_id', 'data']));
  });

  it('is served as JSON, and as a readable page', async () => {
    const res = await invoke(getOpenapi, restEvent({ method: 'GET', path: '/api/kafka/openapi.json' }));
    expect(res.statusCode).toBe(200);
    expect(res.json.openapi).toBe('3.1.0');
    const page = await getDocs(restEvent({ method: 'GET', path: '/api/kafka/docs' }), lambdaContext());
    expect(page.headers?.['Content-Type']).toContain('text/html');
    for (const route of routes) expect(page.body).toContain(`${API_PREFIX}${route.path}`);
  });
});

describe('serverless.yml', () => {
  type HttpEvent = { http: { method: string; path: string; private?: boolean } };
  const functions = parse(readFileSync(join(root, 'serverless.yml'), 'utf8')).functions as Record<
    string,
    { handler: string; events?: (HttpEvent | Record<string, unknown>)[] }
  >;

  it('declares exactly the documented routes, one function per endpoint', () => {
    for (const route of routes) {
      const fn = functions[route.functionKey];
      expect(fn?.handler).toBe(`functions/http/${route.file}.handler`);
      const http = (Array.isArray(fn?.events) ? fn.events : []).find(
        (e): e is HttpEvent => 'http' in e,
      )?.http;
      expect(http).toEqual({
        method: route.method.toLowerCase(),
        path: `${API_PREFIX}${route.path}`.slice(1),
        ...(route.private && { private: true }),
      });
    }
    const httpFunctions = Object.entries(functions).filter(
      ([, fn]) => Array.isArray(fn.events) && fn.events.some((e) => 'http' in e),
    );
    expect(httpFunctions.map(([key]) => key).sort()).toEqual(routes.map((r) => r.functionKey).sort());
  });
});
