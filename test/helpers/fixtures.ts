import { fileURLToPath } from 'node:url';

/**
 * The public sample payloads of the real platforms: `../shared/fixtures` beside the project folder
 * (see the README), or wherever `OMNIHUB_FIXTURES` points. Resolved from this file, so a clone anywhere works.
 */
export const FIXTURES = process.env.OMNIHUB_FIXTURES ?? fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));
