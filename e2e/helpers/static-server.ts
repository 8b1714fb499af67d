/**
 * A tiny static file server for end-to-end tests: plain files, no rewrites, no
 * SPA fallback — the way a hospital web server would host `dist/`. Use it to
 * prove the build works from any sub-path and makes no unexpected requests.
 *
 *   const server = await startStaticServer({ root: tmpDir });
 *   await page.goto(server.url + '/veil/sub/');
 *   ...
 *   expect(server.log.filter((r) => r.status >= 400)).toEqual([]);
 *   await server.close();
 */
import { createReadStream, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export interface StaticServerOptions {
  /** Directory whose contents are served. */
  root: string;
  /**
   * URL prefix the root is mounted under, e.g. '/veil/sub'. Requests outside
   * the prefix get 404. Default: '' (root mounted at '/').
   */
  mount?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Host to bind; default 127.0.0.1. */
  host?: string;
  /** Extra headers sent with every response (e.g. a Content-Security-Policy). */
  headers?: Record<string, string>;
}

export interface ServedRequest {
  method: string;
  /** Path and query as requested. */
  url: string;
  status: number;
  /** Body bytes sent (0 for HEAD and errors): the benchmark sums them for first-visit bytes. */
  bytes: number;
}

export interface StaticServer {
  /** Origin, e.g. 'http://127.0.0.1:39123' (no trailing slash). */
  url: string;
  port: number;
  /** Every request served so far, in order. */
  log: ServedRequest[];
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.gz': 'application/gzip',
  '.zip': 'application/zip',
  '.dcm': 'application/dicom',
  '.traineddata': 'application/octet-stream',
};

export function contentTypeFor(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const root = path.resolve(options.root);
  const mount = (options.mount ?? '').replace(/\/+$/, '');
  const host = options.host ?? '127.0.0.1';
  const extraHeaders = options.headers ?? {};
  const log: ServedRequest[] = [];

  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const rawUrl = req.url ?? '/';
    const finish = (status: number, headers: Record<string, string> = {}, body?: string) => {
      log.push({ method, url: rawUrl, status, bytes: 0 });
      res.writeHead(status, { ...extraHeaders, ...headers });
      res.end(method === 'HEAD' ? undefined : body);
    };

    if (method !== 'GET' && method !== 'HEAD') {
      finish(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }, 'Method Not Allowed');
      return;
    }

    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(rawUrl, 'http://localhost').pathname);
    } catch {
      finish(400, { 'Content-Type': 'text/plain' }, 'Bad Request');
      return;
    }

    if (mount) {
      if (pathname === mount) {
        finish(301, { Location: mount + '/' });
        return;
      }
      if (!pathname.startsWith(mount + '/')) {
        finish(404, { 'Content-Type': 'text/plain' }, 'Not Found');
        return;
      }
      pathname = pathname.slice(mount.length);
    }

    const filePath = path.join(root, pathname);
    if (filePath !== root && !filePath.startsWith(root + path.sep)) {
      finish(403, { 'Content-Type': 'text/plain' }, 'Forbidden');
      return;
    }

    void (async () => {
      try {
        let target = filePath;
        let stat = await fs.stat(target);
        if (stat.isDirectory()) {
          if (!pathname.endsWith('/')) {
            // Like any real server: directories need a trailing slash so relative URLs resolve.
            const { search } = new URL(rawUrl, 'http://localhost');
            finish(301, { Location: (mount + pathname).replace(/\/?$/, '/') + search });
            return;
          }
          target = path.join(target, 'index.html');
          stat = await fs.stat(target);
        }
        if (!stat.isFile()) throw new Error('not a file');
        log.push({ method, url: rawUrl, status: 200, bytes: method === 'HEAD' ? 0 : stat.size });
        res.writeHead(200, {
          'Content-Type': contentTypeFor(target),
          'Content-Length': String(stat.size),
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          ...extraHeaders,
        });
        if (method === 'HEAD') {
          res.end();
          return;
        }
        createReadStream(target)
          .on('error', () => res.destroy())
          .pipe(res);
      } catch {
        finish(404, { 'Content-Type': 'text/plain' }, 'Not Found');
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    log,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
