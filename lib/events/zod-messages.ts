import { z } from 'zod';

// Clearer wording than zod's default for the two mistakes callers make most: a missing field and
// an unexpected one. Everything else keeps zod's own message.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
    if (issue.code === 'unrecognized_keys') return `unexpected field(s): ${issue.keys.join(', ')}`;
    return undefined;
  },
});
