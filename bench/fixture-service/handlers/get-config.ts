// The real middy stack (httpHandler) without Kafka: its warm latency minus the no-op's is our framework
// overhead. Public here: the bench service has no API keys (the key check is one hash and compare).
import { endpoint } from '../../../functions/http/get-config';
import { httpHandler } from '../../../lib/middleware';

export const handler = httpHandler({ ...endpoint, caller: 'public' });
