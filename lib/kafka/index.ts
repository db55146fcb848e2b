// The only way into Kafka: nothing outside lib/kafka imports kafkajs.
export * from './admin';
export { createKafka, getKafka, kafkaJsOptions } from './client';
export * from './consumer';
export { toKafkaError } from './kafka-errors';
export * from './lambda-event';
export * from './ops-cluster';
export * from './producer';
export * from './shutdown';
export * from './topic-name';
