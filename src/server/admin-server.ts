/**
 * ZooKeeper's AdminServer over node:http: GET <admin.commandURL> lists the
 * commands as links, GET <admin.commandURL>/<name>?key=value runs one and
 * answers its JSON (always 200 with Content-Type application/json, errors
 * included, as ZooKeeper does). The commands themselves are in admin-commands.ts.
 *
 * Status codes follow ZooKeeper 3.8.0's Jetty servlet (see jetty-http.ts), plus
 * its security constraint that refuses TRACE (403). The admin server is not
 * subject to 4lw.commands.whitelist, in ZooKeeper either.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { FourLetterContext } from '../protocol/four-letter-words.js';
import { ADMIN_PRIMARY_NAMES, commandResponseJson, runAdminCommand } from './admin-commands.js';
import {
  answerClientError,
  applyIdleTimeout,
  closeServer,
  firstQueryValues,
  listenOrLog,
  NODE_MAX_HEADER_SIZE,
  type RequestTarget,
  send,
  sendErrorPage,
  serveRequest,
  trackRequestLine,
} from './jetty-http.js';
import type { ServerConfig } from './server-config.js';

export interface AdminServerSettings {
  readonly address: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** The path the commands live under, e.g. "/commands". */
  readonly commandUrl: string;
  /** Idle connections are closed after this many ms; 0 = never. */
  readonly idleTimeoutMs: number;
}

export function adminServerSettings(config: ServerConfig): AdminServerSettings {
  return {
    address: config.adminServerAddress,
    port: config.adminServerPort,
    commandUrl: config.adminCommandUrl,
    idleTimeoutMs: config.adminIdleTimeoutMs,
  };
}

/** The methods the command servlet answers (its OPTIONS reply). */
const ALLOW = 'GET, HEAD, TRACE, OPTIONS';

/** The command list page: one link per primary name, each followed by a <br/> line. */
export function commandLinksPage(commandUrl: string): string {
  return ADMIN_PRIMARY_NAMES.map((name) => `<a href="${commandUrl}/${name}">${name}</a>\n<br/>\n`).join('');
}

export class AdminServer {
  private readonly http: Server;
  /** The servlet's mount point without a trailing "/" ("" when mounted at the root). */
  private readonly prefix: string;
  private boundPort: number | undefined;

  constructor(
    private readonly ctx: FourLetterContext,
    readonly settings: AdminServerSettings,
    private readonly log: Logger,
  ) {
    this.prefix = settings.commandUrl.replace(/\/+$/, '');
    this.http = createServer({ maxHeaderSize: NODE_MAX_HEADER_SIZE }, (req, res) =>
      serveRequest(req, res, this.log, 'AdminServer', (target, method) => this.route(req, res, target, method)),
    );
    this.http.on('clientError', answerClientError);
    this.http.on('connection', trackRequestLine);
    applyIdleTimeout(this.http, settings.idleTimeoutMs);
  }

  /** The bound port, or undefined when not listening. */
  get port(): number | undefined {
    return this.boundPort;
  }

  /** Listens; if it cannot (port in use, bad address) it logs why and resolves false. */
  async start(): Promise<boolean> {
    const { address, port, commandUrl } = this.settings;
    this.boundPort = await listenOrLog(this.http, address, port, 'AdminServer', this.log,
      'set admin.serverPort to a free port, or admin.enableServer=false');
    if (this.boundPort === undefined) return false;
    this.log.info({ address, port: this.boundPort, commandUrl }, 'AdminServer started');
    return true;
  }

  async close(): Promise<void> {
    await closeServer(this.http);
    this.boundPort = undefined;
  }

  private route(req: IncomingMessage, res: ServerResponse, target: RequestTarget, method: string): void {
    const inServlet = this.prefix === '' || target.path === this.prefix || target.path.startsWith(`${this.prefix}/`);
    switch (method) {
      case 'GET':
      case 'HEAD':
        if (!inServlet) sendErrorPage(req, res, 404, 'Not Found', target.path);
        else this.get(req, res, target.path.slice(this.prefix.length), target.query);
        return;
      case 'TRACE':
        send(req, res, 403, {});
        return;
      case 'OPTIONS':
        send(req, res, 200, { Allow: ALLOW });
        return;
      case 'POST':
      case 'PUT':
      case 'DELETE':
        sendErrorPage(req, res, 405, `HTTP method ${method} is not supported by this URL`, target.path);
        return;
      default:
        send(req, res, 501, {});
    }
  }

  private get(req: IncomingMessage, res: ServerResponse, pathInfo: string, query: string): void {
    if (pathInfo === '' || pathInfo === '/') {
      // ZooKeeper sets no Content-Type on the list page.
      send(req, res, 200, {}, commandLinksPage(this.settings.commandUrl));
      return;
    }
    const response = runAdminCommand(pathInfo.slice(1), this.ctx, firstQueryValues(query));
    send(req, res, 200, { 'Content-Type': 'application/json' }, commandResponseJson(response));
  }
}
