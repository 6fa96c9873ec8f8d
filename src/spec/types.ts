// The shapes of a loaded spec. They mirror schema/spec.schema.json, which is
// the source of truth for what a spec file may say; these types only add what
// loading fills in (defaults, where each case stands in its file).

import type { WrittenMatch } from './matchers.js';
import type { Generator } from './draw.js';

import type { Location, ServiceName } from '../model/place.js';

export type { Location, ServiceName };

export type PayloadPart =
  | string
  | { hex: string }
  | { repeat: string; bytes: number }
  | { text: string }
  | { each: string; count: number; separator?: string };
export type Payload = PayloadPart | Array<PayloadPart | { delayMs: number }>;

/** Matchers on an HTTP body; which keywords exist is the matcher table's business (spec/matchers.ts). */
export type TextMatch = WrittenMatch;

export interface HeaderMatch extends WrittenMatch {
  present?: boolean;
}

export interface SetCookieMatch {
  present?: boolean;
  valid?: true;
  path?: string;
  httpOnly?: true;
  persistent?: true;
  kept?: { name: string; value: string };
  fresh?: { name: string; not?: string; notIssued?: string[] };
  /** Matchers on the value of the first Set-Cookie. */
  value?: WrittenMatch;
}

export type FramingRule = 'status-line' | 'crlf' | 'content-length' | 'no-body' | 'header-syntax';

/** A step's expectations: reply matchers and timing for udp/tcp, the rest for http (the schema keeps them apart). */
export interface StepExpect extends WrittenMatch {
  replyWithinMs?: number;
  closedWithinMs?: number;
  noReply?: true;
  // HTTP
  status?: number | number[];
  orClosed?: true;
  headers?: Record<string, HeaderMatch>;
  body?: TextMatch;
  framing?: FramingRule[];
  setCookie?: SetCookieMatch;
  keepAlive?: true;
}

export interface HttpRequestDef {
  method?: string;
  target?: string;
  version?: string;
  headers?: Record<string, string | null>;
  body?: Payload;
  split?: { pieces: number; delayMs: number };
}

export type Capture =
  | { header: string }
  | { body: string }
  | { setCookie: 'name' | 'value' }
  | { validator: 'name' | 'value' | 'stale' };

export interface CollectCheck {
  distinct?: true;
  minLength?: number;
  notCountingUp?: true;
  unordered?: true;
  count?: number;
}

export interface Step {
  label?: string;
  client?: string;
  clients?: number;
  repeat?: number;
  burst?: boolean;
  connect?: true;
  close?: 'close' | 'reset';
  delayMs?: number;
  send?: Payload;
  then?: 'half-close' | 'keep-open' | 'close' | 'reset';
  timeoutMs?: number;
  retries?: number;
  expect?: StepExpect;
  request?: HttpRequestDef;
  raw?: Payload;
  jar?: string;
  capture?: Record<string, Capture>;
  collect?: Record<string, CollectCheck>;
}

export interface CaseDef {
  id: string;
  title: string;
  requirement: string;
  source?: string;
  tags: string[];
  points: number;
  hint?: string;
  exclusive: boolean;
  timeoutMs?: number;
  steps: Step[];
  location: Location;
}

export interface Spec {
  name: string;
  title: string;
  description?: string;
  service: ServiceName;
  port: number;
  vars: Record<string, string>;
  /** Tags the spec's cases may use besides the catalogue's (spec/tags.ts); none when absent. */
  tags?: string[];
  /** Values drawn per run from the seed, by name (`draw:`). */
  draw?: Record<string, Generator>;
  cases: CaseDef[];
  file: string;
  /** The absolute path it was read from (absent for text parsed in memory): tools that link to the file use it. */
  path?: string;
}
