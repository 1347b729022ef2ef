/** One message of a `text/event-stream`. */
export interface SseMessage {
  /** The `event:` field (`message` when absent). */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
}

/** Feeds text as it arrives; calls back once per complete message. */
export interface SseParser {
  push(text: string): void;
}

/**
 * Splits a server-sent event stream into messages, by the WHATWG rules the browser's EventSource
 * follows: any line ending, `:` comments, one optional space after the field's colon, a message per
 * blank line, none for a message without data. `id` and `retry` are ignored: the client reconnects
 * on its own schedule and the node sends a full snapshot's worth of events anyway.
 */
export function createSseParser(onMessage: (message: SseMessage) => void): SseParser {
  let buffer = '';
  let event = '';
  let data: string[] = [];

  function line(text: string): void {
    if (text === '') {
      if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n') });
      event = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }

  return {
    push(text: string): void {
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const code = buffer.charCodeAt(i);
        if (code !== 10 && code !== 13) continue;
        // A chunk may end between the \r and the \n of one line ending: wait for the next chunk.
        if (code === 13 && i + 1 === buffer.length) break;
        line(buffer.slice(start, i));
        if (code === 13 && buffer.charCodeAt(i + 1) === 10) i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
  };
}
