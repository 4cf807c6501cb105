import { postgresBackend } from './backends.js';
import { storageSuite } from './suite.js';

storageSuite(postgresBackend(4, 'neon'), 'ingest-read');
