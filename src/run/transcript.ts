import { previewBytes } from '../text/escape.js';
import type { WireEvent, WireListener } from '../transport/errors.js';
import type { TranscriptEvent } from '../model/result.js';

/** Events kept per case; a flood of tiny packets must not make a report huge. */
const MAX_EVENTS = 400;
/** Bytes shown per event; the full length is still recorded. */
const MAX_EVENT_BYTES = 4096;

/** Collects a case's wire events with times relative to the case start. */
export class Transcript {
  readonly events: TranscriptEvent[] = [];
  private dropped = 0;

  constructor(private readonly start: number) {}

  listener(client: string): WireListener {
    return (e: WireEvent) => this.add(client, e);
  }

  add(client: string, e: WireEvent): void {
    if (this.events.length >= MAX_EVENTS) {
      this.dropped++;
      return;
    }
    const ev: TranscriptEvent = { t: Date.now() - this.start, client, kind: e.kind };
    if (e.data) {
      ev.data = previewBytes(e.data, MAX_EVENT_BYTES);
      ev.bytes = e.data.length;
    }
    if (e.note) ev.note = e.note;
    this.events.push(ev);
  }

  finish(): TranscriptEvent[] {
    if (this.dropped > 0)
      this.events.push({
        t: Date.now() - this.start,
        client: 'netgrade',
        kind: 'error',
        note: `${this.dropped} more events not kept`,
      });
    return this.events;
  }
}
