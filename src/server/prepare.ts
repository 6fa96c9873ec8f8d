// A start command prepared for one server: ports picked for its services and
// its placeholders filled (`run --start`, and `grade` per submission).
import type { ServiceName, Spec } from '../spec/types.js';
import { choosePorts, fillTemplate, placeholderServices, type Ports } from './ports.js';
import { UsageError } from '../errors.js';

export interface Prepared {
  /** The ports the server was given, per service. */
  ports: Ports;
  /** The command with its placeholders filled. */
  command: string;
}

/** Picks ports for the specs' services and those the template names, and fills the template. */
export async function prepareStart(opts: {
  template: string;
  specs: Spec[];
  given: Ports;
  host: string;
  dir?: string;
}): Promise<Prepared> {
  if (opts.template.trim() === '') throw new UsageError('--start: the command is empty');
  const services: ServiceName[] = [...opts.specs.map((s) => s.service), ...placeholderServices(opts.template)];
  const ports = await choosePorts(services, opts.given, opts.host);
  return { ports, command: fillTemplate(opts.template, { ports, dir: opts.dir }) };
}
