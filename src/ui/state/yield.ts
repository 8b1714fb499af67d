/**
 * Lets the page paint and answer input before a long job goes on: `scheduler.yield()` where the
 * browser has it (the job keeps its place ahead of other tasks), a message to itself elsewhere
 * (a zero-delay timer would be clamped to 4 ms once nested).
 */
export function yieldToPage(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
