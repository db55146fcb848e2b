// osls 4 only loads local plugins from inside the service directory, so the bench service reaches
// the repository's Kafka emulator (lib/offline) through this shim. BENCH_KAFKA_OFFLINE=<dir> loads
// another copy instead, to A/B a proposed change to the emulator with the same bench.
module.exports = require(process.env.BENCH_KAFKA_OFFLINE || '../../lib/offline');
