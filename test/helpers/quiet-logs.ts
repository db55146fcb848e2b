// Unit tests assert on answers, not on log lines; LOG_LEVEL=debug npm run test:unit shows them.
process.env.LOG_LEVEL ??= 'silent';

// Protected handlers invoked directly get the key hashes deploy/functions.cjs gives them.
import { useKeyHashes } from './api-keys';

useKeyHashes();
