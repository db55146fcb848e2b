/**
 * The one Apache Kafka version used locally, whichever way the broker runs.
 *
 * 4.1.2 is the newest 4.1.x on Maven Central (`org.apache.kafka:kafka_2.13`). Two files cannot import
 * this constant and repeat the literal: docker-compose.yml (`image: apache/kafka:4.1.2`) and the
 * `kafka.version` default in scripts/broker/pom.xml. Change all three together; the integration test
 * test/integration/broker-runner.test.ts fails when they disagree.
 */
export const KAFKA_VERSION = '4.1.2';
