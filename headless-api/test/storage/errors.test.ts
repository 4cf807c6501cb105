// How driver failures are classified: "the database cannot serve now" (503,
// retryable) versus "this statement is wrong" (500 or 400).
import { describe, expect, it } from 'vitest';
import { ShardUnavailableError, StorageError } from '../../src/storage/index.js';
import { wrapDriverError } from '../../src/storage/errors.js';

function systemError(code: string, syscall: string): Error & { code: string } {
  return Object.assign(new Error(`${syscall} ${code}`), { code, errno: -32, syscall });
}

function serverError(code: string): Error {
  return Object.assign(new Error(`server said ${code}`), { code, severity: 'ERROR' });
}

describe('wrapDriverError', () => {
  it('a write to a connection the server closed (EPIPE, five capitals like a SQLSTATE) is unavailable, not a failed statement', () => {
    for (const e of [systemError('EPIPE', 'write'), systemError('EPERM', 'write'), systemError('EBADF', 'write'), systemError('ECONNRESET', 'read')]) {
      const wrapped = wrapDriverError(e, 'COPY events FROM STDIN', 2);
      expect(wrapped, (e as { code: string }).code).toBeInstanceOf(ShardUnavailableError);
      expect(wrapped.message).toContain('database 2');
    }
  });

  it('server errors keep their SQLSTATE: connection, shutdown and deadlock classes are unavailable; others are statement errors', () => {
    for (const code of ['08006', '57P01', '57P03', '53300', '40P01', '40001', '3D000', '28P01', '55P03']) {
      expect(wrapDriverError(serverError(code), 'SELECT 1', 0), code).toBeInstanceOf(ShardUnavailableError);
    }
    for (const code of ['23505', '22P02', '42P01', '25P02', 'XX000']) {
      const wrapped = wrapDriverError(serverError(code), 'SELECT 1', 0);
      expect(wrapped, code).not.toBeInstanceOf(ShardUnavailableError);
      expect(wrapped).toBeInstanceOf(StorageError);
      expect((wrapped as StorageError & { code?: string }).code).toBe(code);
    }
  });

  it('an error without any code never reached a server: unavailable', () => {
    expect(wrapDriverError(new Error('Connection terminated unexpectedly'), undefined, undefined)).toBeInstanceOf(ShardUnavailableError);
  });
});
