// The shapes of a loaded spec. They mirror schema/spec.schema.json, which is
// the source of truth for what a spec file may say; these types only add what
// loading fills in (defaults, where each case stands in its file).

export type ServiceName = 'udp' | 'tcp' | 'http';

export interface Location {
  file: string;
  line: number;
  col: number;
}

export type PayloadPart = string | { hex: string } | { repeat: string; bytes: number } | { text: string };
export type Payload = PayloadPart | Array<PayloadPart | { delayMs: number }>;

export interface StepExpect {
  equals?: Payload;
  contains?: string;
  notContains?: string;
  matches?: string;
  length?: number;
  replyWithinMs?: number;
  closedWithinMs?: number;
  noReply?: true;
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
