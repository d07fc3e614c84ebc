import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export interface BasicCredentials {
  user: string;
  password: string;
}

// Both sides are hashed first, so timingSafeEqual compares equal lengths and the time taken
// says nothing about how much of the user or password matched, nor about its length.
const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** True when the request's Basic credentials are exactly `expected` (constant time). */
export function checkBasicAuth(req: IncomingMessage, expected: BasicCredentials): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]{1,1024})$/.exec(header);
  const given = match?.[1] ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const want = `${expected.user}:${expected.password}`;
  // Compare even when the header is missing, so both paths take the same time.
  return timingSafeEqual(digest(given), digest(want)) && given.length > 0;
}

/** The dashboard's credentials when both variables are set; the dashboard is off otherwise. */
export function dashboardCredentials(config: {
  DASHBOARD_USER?: string | undefined;
  DASHBOARD_PASSWORD?: string | undefined;
}): BasicCredentials | undefined {
  const { DASHBOARD_USER: user, DASHBOARD_PASSWORD: password } = config;
  return user && password ? { user, password } : undefined;
}

export const BASIC_CHALLENGE = 'Basic realm="newsbot", charset="UTF-8"';
