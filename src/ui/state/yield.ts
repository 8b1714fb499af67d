/**
 * Lets the page paint and answer input before a long job goes on: a message to itself, which
 * queues behind the tasks already waiting (worker results, timers, input). Not
 * `scheduler.yield()`: its continuation runs ahead of those, so the workers' first results sat
 * unread until a 10,000-file listing had finished. Not a zero-delay timer: nested, it is clamped
 * to 4 ms.
 */
export function yieldToPage(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
