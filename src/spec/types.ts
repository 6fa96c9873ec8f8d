// The shapes of a loaded spec. They mirror schema/spec.schema.json, which is
// the source of truth for what a spec file may say; these types only add what
// loading fills in (defaults, where each case stands in its file).

export type ServiceName = 'udp' | 'tcp' | 'http';

export interface Location {
  file: string;
  line: number;
  col: number;
}

export type PayloadPart = string | { hex: string } | { repeat: string; bytes: number } | { text: string } | { each: string; count: number; separator?: string };
export type Payload = PayloadPart | Array<PayloadPart | { delayMs: number }>;

export interface TextMatch {
  equals?: Payload;
  contains?: string;
  notContains?: string;
  containsEach?: { each: string; count: number };
  matches?: string;
  length?: number;
}

export interface HeaderMatch {
  present?: boolean;
  equals?: string;
  notEquals?: string;
  contains?: string;
  matches?: string;
  tokens?: string[];
  imfFixdate?: true;
  entityTag?: true;
  notAfter?: string;
}

export interface SetCookieMatch {
  present?: boolean;
  valid?: true;
  path?: string;
  httpOnly?: true;
  persistent?: true;
  kept?: { name: string; value: string };
  fresh?: { name: string; not: string };
}

export type FramingRule = 'status-line' | 'crlf' | 'content-length' | 'no-body';

export interface StepExpect {
  equals?: Payload;
  contains?: string;
  notContains?: string;
  matches?: string;
  length?: number;
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

export type Capture = { header: string } | { body: string } | { setCookie: 'name' | 'value' };

export interface CollectCheck {
  distinct?: true;
  minLength?: number;
  notCountingUp?: true;
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
  cases: CaseDef[];
  file: string;
}
