import { fileURLToPath } from 'node:url';
import { loadSchemaDir, type SchemaRegistry } from '../../../src/validation/json-schema.ts';

/** The mx-pgs message schemas (profiles/schemas), compiled once per process. */
export const pgsSchemas = (): SchemaRegistry => loadSchemaDir(fileURLToPath(new URL('../profiles/schemas/', import.meta.url)));
