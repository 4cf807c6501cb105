/**
 * A request the server refuses, with the HTTP status the protocol asks for;
 * the app turns it into `{ "error": message }`.
 *
 * @example
 * throw new InferenceError(404, 'unknown model: risk');
 */
export class InferenceError extends Error {
  override readonly name = 'InferenceError';
  readonly status: 400 | 404 | 405 | 413 | 415 | 503 | 500;

  constructor(status: InferenceError['status'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}
