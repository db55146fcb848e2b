import type { z } from 'zod';
import {
  AcceptedResponse,
  CreateTopicsRequest,
  CreateTopicsResponse,
  CyberTokenEarnRequest,
  GachaOpenRequest,
  HealthResponse,
  messageBody,
  messageEndpoints,
  SlotSpinRequest,
  TopicConfigResponse,
  TopicListResponse,
} from './requests';

export const API_PREFIX = '/api/kafka';

export interface Route {
  /** The function's key in serverless.yml; its handler is `functions/http/<file>.ts`. */
  functionKey: string;
  file: string;
  method: 'GET' | 'POST';
  /** Path below the API prefix, API Gateway style (`{name}` parameters). */
  path: string;
  summary: string;
  tag: 'topics' | 'messages' | 'game' | 'service';
  /** Admin routes need the `x-api-key` header (API Gateway API keys). */
  private?: boolean;
  request?: z.ZodType;
  response?: z.ZodType;
  /** Status of a successful answer. */
  status: 200 | 202;
  contentType?: string;
}

const messageRoutes: Route[] = Object.entries(messageEndpoints).map(([slug, { topic, data }]) => ({
  functionKey: `send${slug.replace(/(^|-)(\w)/g, (_, _d: string, c: string) => c.toUpperCase())}`,
  file: `send-${slug}`,
  method: 'POST',
  path: `/messages/${slug}`,
  summary: `Produce one ${topic} event, or a batch {"events": [...]}, to the ${topic} topic`,
  tag: 'messages',
  request: messageBody(data),
  response: AcceptedResponse,
  status: 202,
}));

/** Every HTTP endpoint: serverless.yml declares these functions, OpenAPI documents them. */
export const routes: Route[] = [
  {
    functionKey: 'createTopics',
    file: 'create-topics',
    method: 'POST',
    path: '/topics/create',
    summary: 'Create topics (idempotent: existing topics are reported, not an error)',
    tag: 'topics',
    private: true,
    request: CreateTopicsRequest,
    response: CreateTopicsResponse,
    status: 200,
  },
  {
    functionKey: 'listTopics',
    file: 'list-topics',
    method: 'GET',
    path: '/topics/list',
    summary: 'Topics with their partition counts; catalogue and dead-letter topics marked',
    tag: 'topics',
    response: TopicListResponse,
    status: 200,
  },
  {
    functionKey: 'getTopicConfig',
    file: 'get-topic-config',
    method: 'GET',
    path: '/topics/{name}/config',
    summary: "A topic's configuration",
    tag: 'topics',
    response: TopicConfigResponse,
    status: 200,
  },
  ...messageRoutes,
  {
    functionKey: 'gameSlotSpin',
    file: 'game-slot-spin',
    method: 'POST',
    path: '/game/slot-spin',
    summary: 'Report a slot spin: starts the slot-spin pipeline (user_actions → analytics → feedback)',
    tag: 'game',
    request: SlotSpinRequest,
    response: AcceptedResponse,
    status: 202,
  },
  {
    functionKey: 'gameGachaOpen',
    file: 'game-gacha-open',
    method: 'POST',
    path: '/game/gacha-open',
    summary: 'Report a gacha pull: starts the gacha pipeline (game_events → feedback → monetisation)',
    tag: 'game',
    request: GachaOpenRequest,
    response: AcceptedResponse,
    status: 202,
  },
  {
    functionKey: 'gameCyberTokenEarn',
    file: 'game-cyber-token-earn',
    method: 'POST',
    path: '/game/cyber-token-earn',
    summary:
      'Report cyber tokens earned: starts the token pipeline (cyber_tokens → headquarters → notification)',
    tag: 'game',
    request: CyberTokenEarnRequest,
    response: AcceptedResponse,
    status: 202,
  },
  {
    functionKey: 'getHealth',
    file: 'get-health',
    method: 'GET',
    path: '/health',
    summary: 'Whether Kafka is reachable, with cluster id, brokers and controller (200 or 503)',
    tag: 'service',
    response: HealthResponse,
    status: 200,
  },
  {
    functionKey: 'getConfig',
    file: 'get-config',
    method: 'GET',
    path: '/config',
    summary: 'The effective configuration, without any secret',
    tag: 'service',
    status: 200,
  },
  {
    functionKey: 'getOpenapi',
    file: 'get-openapi',
    method: 'GET',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    tag: 'service',
    status: 200,
  },
  {
    functionKey: 'getDocs',
    file: 'get-docs',
    method: 'GET',
    path: '/docs',
    summary: 'Human-readable API documentation (HTML)',
    tag: 'service',
    status: 200,
    contentType: 'text/html',
  },
];
