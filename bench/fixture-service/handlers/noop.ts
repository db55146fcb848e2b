/** The ceiling of the HTTP scenarios: what serverless-offline costs for a function that does nothing. */
export const handler = async (): Promise<{ statusCode: number; body: string }> => ({
  statusCode: 200,
  body: '{"ok":true}',
});
