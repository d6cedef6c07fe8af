/** Serialising Server-Sent Events for a client: the writing half of the SSE codec (`decoder.ts` reads). */
import type { SseEvent } from "./event.ts";

const CRLF = /[\r\n]/;

/** Serialises one event. Rejects CR/LF in `event`/`id` (header injection into the stream). */
export function formatSse(ev: SseEvent): string {
  let out = "";
  if (ev.event !== undefined) {
    if (CRLF.test(ev.event)) throw new Error("SSE event name contains CR/LF");
    out += `event: ${ev.event}\n`;
  }
  if (ev.id !== undefined) {
    if (CRLF.test(ev.id)) throw new Error("SSE id contains CR/LF");
    out += `id: ${ev.id}\n`;
  }
  if (ev.data.includes("\n")) {
    for (const l of ev.data.split("\n")) out += `data: ${l}\n`;
  } else {
    out += `data: ${ev.data}\n`;
  }
  return `${out}\n`;
}
