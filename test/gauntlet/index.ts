// Every degenerate server of the gauntlet: the echo servers and the HTTP servers.
import { ECHO_SERVERS } from './echo-servers.js';
import { HTTP_SERVERS, type GauntletServer } from './http-servers.js';

export type { GauntletServer };

export const GAUNTLET: GauntletServer[] = [...ECHO_SERVERS, ...HTTP_SERVERS];
