// The real middy stack (httpHandler) without Kafka: its warm latency minus the no-op's is our framework overhead.
export { handler } from '../../../functions/http/get-config';
