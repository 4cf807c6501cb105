import { postgresBackend } from './backends.js';
import { storageSuite } from './suite.js';

storageSuite(postgresBackend(1));
storageSuite(postgresBackend(4));
