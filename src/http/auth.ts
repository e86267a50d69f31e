// Loonflow's app signature: md5(timestamp + token) in hex, a timestamp within the TTL, and
// the acting end user in `username` (asserted by the calling app).
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CatalogStore } from '../commands/catalog-store.ts';
import { signatureFor } from '../loonflow-signature.ts';
import { viewerOf, type Catalog } from '../domain/catalog/catalog.ts';
import type { Viewer } from '../domain/ticket/permissions.ts';
import { USERNAME_MAX, withinLength } from '../domain/bounds.ts';
import { ENGINE_USERNAMES, type App } from '../domain/directory.ts';
import { DomainError, fail } from '../domain/errors.ts';

export interface Caller {
  app: App;
  /** The `username` header; routes that act for a user call requireUsername(). */
  username: string | undefined;
  catalog: Catalog;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
  }
}

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export interface AuthOptions {
  catalog: CatalogStore;
  signatureTtlSeconds: number;
  clock: () => Date;
}

export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('caller', null as unknown as Caller);
  app.addHook('onRequest', async (request) => {
    // The matched route, not the raw URL: /%61pi/... decodes to an API route too. Unknown
    // paths under /api are authenticated as well, so that nobody maps routes anonymously.
    if (!(request.routeOptions.url ?? decodedPath(request.url)).startsWith('/api/')) return;
    const appname = header(request, 'appname');
    const timestamp = header(request, 'timestamp');
    const signature = header(request, 'signature');
    if (!appname || !timestamp || !signature) {
      fail('signature_missing', 'Send the headers appname, timestamp and signature (md5 of timestamp + app token).');
    }
    let { catalog } = await options.catalog.current();
    // An app registered a moment ago by another process: look at the log before refusing.
    if (!catalog.apps.has(appname!)) ({ catalog } = await options.catalog.current({ fresh: true }));
    const caller = catalog.apps.get(appname!) ?? fail('app_unknown', `App "${appname}" is not registered; ask an administrator to add it.`);
    const expected = Buffer.from(signatureFor(timestamp!, caller.token));
    const given = Buffer.from(signature!.toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      fail('signature_invalid', 'The signature is wrong: it must be the lowercase hex md5 of timestamp followed by the app token.');
    }
    const skew = Math.abs(options.clock().getTime() / 1000 - Number(timestamp));
    if (!/^\d+$/.test(timestamp!) || skew > options.signatureTtlSeconds) {
      fail(
        'signature_expired',
        `The timestamp is not within ${options.signatureTtlSeconds} s of the server's clock; sign again with the current unix time.`,
      );
    }
    const username = header(request, 'username');
    // Node's HTTP parser caps headers at 16 kB, app.inject and proxies need not: bound it here.
    if (username !== undefined && !withinLength(username, USERNAME_MAX)) {
      fail('invalid_request', `The username header must be a username of at most ${USERNAME_MAX} characters.`);
    }
    request.caller = { app: caller, username, catalog };
  });
}

const decodedPath = (url: string): string => {
  const path = url.split('?')[0];
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
};

/** The acting user with the facts permissions depend on, from the catalog (the one source of them). */
export function requireViewer(request: FastifyRequest): Viewer {
  return viewerOf(request.caller.catalog, requireUsername(request));
}

export function requireUsername(request: FastifyRequest): string {
  const username = request.caller.username;
  if (!username) throw new DomainError('missing_username', 'Send the acting user in the username header.');
  // A caller claiming the engine's names could pass for it.
  if (ENGINE_USERNAMES.has(username))
    throw new DomainError('not_permitted', `"${username}" is reserved for the engine and cannot act through the API.`);
  return username;
}
