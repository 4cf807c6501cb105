import { pgliteBackend } from './backends.js';
import { storageSuite } from './suite.js';

storageSuite(pgliteBackend());
