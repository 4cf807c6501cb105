/**
 * A minimal Server-Sent Events client over fetch for tests and the bench:
 * frames are parsed as the spec says (`id:`, `event:`, `data:`, comments),
 * each with the time it arrived.
 */
export interface SseFrame {
  /** `event:` value, `message` by default, or `comment` for a `:` line. */
  event: string;
  id: string | null;
  data: string;
  at: number;
}

export interface SseClient {
  status: number;
  /** The next frame; rejects after `timeoutMs`, or when the stream ended first. */
  next(timeoutMs?: number): Promise<SseFrame>;
  /** Frames until one matches, skipping comments unless asked for. */
  until(match: (f: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  bytes(): number;
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const frames: SseFrame[] = [];
  const waiters: (() => void)[] = [];
  let done = false;
  let received = 0;
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => (resolveEnded = r));
  const pump = async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    let buffer = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) break;
        received += value.byteLength;
        buffer += decoder.decode(value, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const at = performance.now();
          let event = 'message';
          let id: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) frames.push({ event: 'comment', id: null, data: line.slice(1).trim(), at });
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0 || id !== null || event !== 'message') frames.push({ event, id, data: data.join('\n'), at });
        }
        wake();
      }
    } catch (error) {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    } finally {
      done = true;
      wake();
      resolveEnded();
    }
  };
  void pump();
  const next = async (timeoutMs = 5000): Promise<SseFrame> => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const f = frames.shift();
      if (f) return f;
      if (done) throw new Error('stream ended');
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`no SSE frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  };
  return {
    status: res.status,
    next,
    async until(match, timeoutMs = 5000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const f = await next(Math.max(1, deadline - performance.now()));
        if (match(f)) return f;
      }
    },
    ended,
    bytes: () => received,
    close: () => abort.abort(),
  };
}
