import { disconnectKafka } from '../../lib/kafka/shutdown';

// Tests that use lib/kafka share its cached producer and admin connections; open sockets would
// keep jest from exiting, so every file closes them when it ends.
afterAll(() => disconnectKafka());
