// loonflow's signature, both ways: callers sign requests to the API with their app token, and
// the engine signs its hook and notice calls with the hook's token, so that existing hook
// services keep verifying them unchanged.
import { createHash } from 'node:crypto';

/** Lowercase hex md5 of the unix timestamp (seconds, as text) followed by the token. */
export const signatureFor = (timestamp: string, token: string): string =>
  createHash('md5')
    .update(timestamp + token)
    .digest('hex');
