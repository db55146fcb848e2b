// Serverless loads plugins with require(). The TypeScript plugin is loaded through a tsx
// *namespaced* registration: a global `require('tsx/cjs')` would also compile every ES module
// required later (serverless-offline itself) to CommonJS, giving serverless-offline two copies of
// its modules — and, among other things, losing its "Server ready" log line.
const { register } = require('tsx/cjs/api');

const tsx = register({ namespace: 'kafka-offline-plugin' });

module.exports = tsx.require('./plugin.ts', __filename).KafkaOfflinePlugin;
