/**
 * One Server-Sent Event, the value of the SSE codec (`gateway/sse/`): what the decoder yields from an upstream's
 * bytes, what the dialects' renderers and the stream guard pass around, and what `formatSse` writes to a client.
 */
export interface SseEvent {
  /** The `event:` field; absent for unnamed (`message`) events. */
  readonly event?: string;
  /** The `data:` lines joined with `\n`. */
  readonly data: string;
  readonly id?: string;
}
