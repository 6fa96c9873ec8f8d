// The two facts about a spec that results and errors carry: which service a case
// speaks, and where it stands in its file. spec/types.ts re-exports them.

export type ServiceName = 'udp' | 'tcp' | 'http';

export interface Location {
  file: string;
  line: number;
  col: number;
}
