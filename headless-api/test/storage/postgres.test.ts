import { postgresBackend } from './backends.js';
import { storageSuite } from './suite.js';

storageSuite(postgresBackend(1, 'pg', 'inline'));
storageSuite(postgresBackend(4));
