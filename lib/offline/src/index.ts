/**
 * The entry serverless `require`s. The order-keeping header decoder goes into kafkajs' module cache
 * before anything loads kafkajs (see ordered-headers.ts), hence `require` after it, not a hoisted import.
 */
import { installOrderedHeaders } from './ordered-headers';

const headerDecoding = installOrderedHeaders();

const { KafkaOfflinePlugin } = require('./plugin') as typeof import('./plugin');

KafkaOfflinePlugin.headerDecoding = headerDecoding;

export = KafkaOfflinePlugin;
