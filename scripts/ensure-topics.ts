import { ensureCatalogueTopics } from '../lib/events/topics';

/** Create the catalogue topics and their dead-letter topics on the configured broker (idempotent). */
export async function ensureTopics(log: (line: string) => void = console.log): Promise<void> {
  const { created, existing } = await ensureCatalogueTopics();
  log(`topics: ${created.length} created, ${existing.length} already there`);
}

if (require.main === module) {
  ensureTopics().catch((error: unknown) => {
    console.error(`ensure-topics: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
