/** Types of server.mjs, for the TypeScript tests that import it. */
export declare const DEFAULT_ROOT: string;
export declare function allowOrigins(apiUrl: string, apiKey: string, origins: string[]): Promise<{ allowed_origins: string[] }>;
export interface OperatorServerOptions {
  apiUrl: string;
  apiKey: string;
  root?: string;
  port?: number;
  host?: string;
  role?: 'admin' | 'analyst' | 'agent';
  ttlSeconds?: number;
  setupOrigins?: boolean;
}
export declare function startOperatorServer(options: OperatorServerOptions): Promise<{ url: string; origins: string[]; close(): Promise<void> }>;
