// A SIP-over-WebSocket server small enough to script: it accepts the 'sip' subprotocol on
// 127.0.0.1, parses what the core's sip.js sends and lets each test decide the answers (200,
// challenges, errors, silence, garbage), send INVITE/CANCEL/BYE itself, or drop every socket.
// It makes the registration state machine and the call flows testable without Kamailio.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';

export interface SipMessage {
  raw: string;
  method: string | null;
  status: number | null;
  ruri: string | null;
  headers: Map<string, string[]>;
  body: string;
  conn: SipConnection;
}

export function header(msg: SipMessage, name: string): string | undefined {
  return msg.headers.get(name.toLowerCase())?.[0];
}

export function cseqOf(msg: SipMessage): { seq: number; method: string } {
  const [seq, method] = (header(msg, 'cseq') ?? '0 X').split(/\s+/);
  return { seq: Number(seq), method: method ?? '' };
}

const COMPACT: Record<string, string> = { v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type' };

export function parseSip(raw: string, conn: SipConnection): SipMessage {
  const split = raw.indexOf('\r\n\r\n');
  const head = split >= 0 ? raw.slice(0, split) : raw;
  const body = split >= 0 ? raw.slice(split + 4) : '';
  const lines = head.split('\r\n');
  const first = lines.shift() ?? '';
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const rawName = line.slice(0, i).trim().toLowerCase();
    const name = COMPACT[rawName] ?? rawName;
    headers.set(name, [...(headers.get(name) ?? []), line.slice(i + 1).trim()]);
  }
  const response = /^SIP\/2\.0 (\d{3})/.exec(first);
  if (response) return { raw, method: null, status: Number(response[1]), ruri: null, headers, body, conn };
  const [method, ruri] = first.split(' ');
  return { raw, method: method ?? null, status: null, ruri: ruri ?? null, headers, body, conn };
}

export class SipConnection {
  readonly received: SipMessage[] = [];
  constructor(readonly ws: WebSocket) {}

  send(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }
}

export type RequestHandler = (req: SipMessage, server: FakeSipServer) => void;

const tagOf = (value: string | undefined): string | undefined => /;tag=([^;>\s]+)/.exec(value ?? '')?.[1];

export class FakeSipServer {
  readonly connections: SipConnection[] = [];
  readonly messages: SipMessage[] = [];
  /** Decides what to do with each request; the default registers everything. */
  onRequest: RequestHandler = (req, server) => {
    server.defaultHandler(req);
  };
  /** Called for each response the core sends (to our INVITE, BYE, …). */
  onResponse: ((res: SipMessage) => void) | null = null;
  /** Answer a double-CRLF keep-alive with one CRLF, as Kamailio does; false plays a dead server. */
  answerKeepAlives = true;
  /** Double-CRLF keep-alives received, answered or not. */
  keepAlives = 0;
  private wss: WebSocketServer | null = null;
  /** Internal: ACKs owed for the server's own re-INVITEs. */
  private responseWatchers: ((res: SipMessage) => void)[] = [];
  private port = 0;
  private seq = 1;

  static async start(): Promise<FakeSipServer> {
    const server = new FakeSipServer();
    await server.listen(0);
    return server;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  requests(method: string): SipMessage[] {
    return this.messages.filter((m) => m.method === method);
  }

  /** REGISTERs that carried credentials. */
  credentialedRegisters(): SipMessage[] {
    return this.requests('REGISTER').filter((m) => header(m, 'authorization') !== undefined || header(m, 'proxy-authorization') !== undefined);
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const wss = new WebSocketServer({
        host: '127.0.0.1',
        port,
        handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
      });
      wss.once('error', reject);
      wss.once('listening', () => {
        this.port = (wss.address() as AddressInfo).port;
        resolve();
      });
      wss.on('connection', (ws) => {
        const conn = new SipConnection(ws);
        this.connections.push(conn);
        ws.on('message', (data) => {
          const text = Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
          if (/^(\r\n)+$/.test(text)) {
            this.keepAlives += 1;
            if (this.answerKeepAlives) conn.send('\r\n');
            return;
          }
          const msg = parseSip(text, conn);
          conn.received.push(msg);
          this.messages.push(msg);
          if (msg.method !== null) this.onRequest(msg, this);
          else {
            for (const watch of [...this.responseWatchers]) watch(msg);
            this.onResponse?.(msg);
          }
        });
      });
      this.wss = wss;
    });
  }

  /** Closes every socket abruptly (1006 at the client), leaving the port listening. */
  dropConnections(): void {
    for (const c of this.connections) c.ws.terminate();
  }

  /** Stops listening and drops every socket: the server is gone. */
  async stop(): Promise<void> {
    this.dropConnections();
    const wss = this.wss;
    this.wss = null;
    if (wss) {
      await new Promise<void>((resolve) => {
        wss.close(() => {
          resolve();
        });
      });
    }
  }

  /** Comes back on the same port. */
  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  // -------------------------------------------------------------------------------------------
  // Answers

  /** REGISTER -> 200 with the Contact echoed (sip.js needs its own contact and expires). */
  defaultHandler(req: SipMessage): void {
    switch (req.method) {
      case 'REGISTER':
        this.reply(req, 200, 'OK', { contact: this.registerContact(req) });
        return;
      case 'BYE':
      case 'INFO':
      case 'CANCEL':
        this.reply(req, 200, 'OK');
        return;
      case 'ACK':
        return;
      default:
        this.reply(req, 501, 'Not Implemented');
    }
  }

  registerContact(req: SipMessage): string {
    const contact = header(req, 'contact') ?? '';
    const expires = /expires=(\d+)/.exec(contact)?.[1] ?? '300';
    return contact.replace(/;expires=\d+/, '') + `;expires=${expires}`;
  }

  /** A response to `req`, To tag added for non-100 responses to requests outside a dialog. */
  reply(
    req: SipMessage,
    status: number,
    reason: string,
    extra: { contact?: string; headers?: string[]; body?: string; toTag?: string } = {},
  ): void {
    let to = header(req, 'to') ?? '';
    if (status !== 100 && !tagOf(to)) to += `;tag=${extra.toTag ?? 'srv' + randomBytes(4).toString('hex')}`;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      `Via: ${header(req, 'via') ?? ''}`,
      `From: ${header(req, 'from') ?? ''}`,
      `To: ${to}`,
      `Call-ID: ${header(req, 'call-id') ?? ''}`,
      `CSeq: ${header(req, 'cseq') ?? ''}`,
    ];
    if (extra.contact) lines.push(`Contact: ${extra.contact}`);
    lines.push(...(extra.headers ?? []));
    const body = extra.body ?? '';
    if (body) lines.push('Content-Type: application/sdp');
    lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
    req.conn.send(lines.join('\r\n'));
  }

  challenge(req: SipMessage, opts: { status?: 401 | 407; stale?: boolean } = {}): void {
    const status = opts.status ?? 401;
    const name = status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const nonce = createHash('md5').update(String(this.seq++)).digest('hex');
    const stale = opts.stale ? ', stale=true' : '';
    this.reply(req, status, status === 401 ? 'Unauthorized' : 'Proxy Authentication Required', {
      headers: [`${name}: Digest realm="fake", nonce="${nonce}", algorithm=MD5, qop="auth"${stale}`],
    });
  }

  // -------------------------------------------------------------------------------------------
  // Requests to the core

  /** The contact the core registered, where an INVITE to it goes. */
  contactOf(conn: SipConnection): string {
    const reg = conn.received.filter((m) => m.method === 'REGISTER').at(-1);
    const contact = reg ? header(reg, 'contact') : undefined;
    const uri = /<([^>]+)>/.exec(contact ?? '')?.[1];
    if (!uri) throw new Error('the core has not registered a contact on this connection');
    return uri;
  }

  /** Sends an INVITE to the core over its latest connection; returns what a later CANCEL/ACK/BYE needs. */
  invite(opts: { from?: string; extraHeaders?: string[]; sdp: string }): IncomingDialog {
    const conn = this.connections.at(-1);
    if (!conn) throw new Error('no connection');
    const target = this.contactOf(conn);
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    const dialog: IncomingDialog = {
      conn,
      target,
      callId: `fake-${randomBytes(6).toString('hex')}`,
      from: `${opts.from ?? '"Caller" <sip:2002@127.0.0.1>'};tag=c${randomBytes(4).toString('hex')}`,
      to: `<${target}>`,
      branch,
      cseq: 1,
      remoteTarget: null,
    };
    const lines = [
      `INVITE ${target} SIP/2.0`,
      `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=${branch}`,
      'Max-Forwards: 70',
      `From: ${dialog.from}`,
      `To: ${dialog.to}`,
      `Call-ID: ${dialog.callId}`,
      'CSeq: 1 INVITE',
      `Contact: <sip:2002@127.0.0.1:${this.port};transport=ws>`,
      ...(opts.extraHeaders ?? []),
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(opts.sdp)}`,
      '',
      opts.sdp,
    ];
    conn.send(lines.join('\r\n'));
    return dialog;
  }

  cancel(d: IncomingDialog): void {
    d.conn.send(
      [
        `CANCEL ${d.target} SIP/2.0`,
        `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=${d.branch}`,
        'Max-Forwards: 70',
        `From: ${d.from}`,
        `To: ${d.to}`,
        `Call-ID: ${d.callId}`,
        'CSeq: 1 CANCEL',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  /** ACK for the core's final response to our INVITE (2xx: new branch; else the INVITE's). */
  ack(d: IncomingDialog, response: SipMessage): void {
    const to = header(response, 'to') ?? d.to;
    d.to = to;
    const success = (response.status ?? 0) < 300;
    if (success) d.remoteTarget = /<([^>]+)>/.exec(header(response, 'contact') ?? '')?.[1] ?? d.target;
    const branch = success ? `z9hG4bK${randomBytes(6).toString('hex')}` : d.branch;
    d.conn.send(
      [
        `ACK ${success ? d.remoteTarget : d.target} SIP/2.0`,
        `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${d.from}`,
        `To: ${to}`,
        `Call-ID: ${d.callId}`,
        'CSeq: 1 ACK',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  bye(d: IncomingDialog): void {
    d.cseq += 1;
    d.conn.send(
      [
        `BYE ${d.remoteTarget ?? d.target} SIP/2.0`,
        `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
        'Max-Forwards: 70',
        `From: ${d.from}`,
        `To: ${d.to}`,
        `Call-ID: ${d.callId}`,
        `CSeq: ${d.cseq} BYE`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
  }

  /**
   * A request from the far end inside an established dialog (re-INVITE, UPDATE, REFER, NOTIFY…),
   * to the core's Contact; an INVITE gets its ACK once the core answers 2xx.
   */
  inDialog(d: IncomingDialog, method: string, opts: { extraHeaders?: string[]; body?: string; contentType?: string } = {}): void {
    d.cseq += 1;
    const cseq = d.cseq;
    const body = opts.body ?? '';
    const branch = `z9hG4bK${randomBytes(6).toString('hex')}`;
    d.conn.send(
      [
        `${method} ${d.remoteTarget ?? d.target} SIP/2.0`,
        `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=${branch}`,
        'Max-Forwards: 70',
        `From: ${d.from}`,
        `To: ${d.to}`,
        `Call-ID: ${d.callId}`,
        `CSeq: ${cseq} ${method}`,
        `Contact: <sip:2002@127.0.0.1:${this.port};transport=ws>`,
        ...(opts.extraHeaders ?? []),
        ...(body ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
    if (method !== 'INVITE') return;
    const ackOnOk = (res: SipMessage): void => {
      if (header(res, 'call-id') !== d.callId || cseqOf(res).seq !== cseq || (res.status ?? 0) < 200) return;
      this.responseWatchers = this.responseWatchers.filter((w) => w !== ackOnOk);
      if ((res.status ?? 0) >= 300) return;
      d.conn.send(
        [
          `ACK ${d.remoteTarget ?? d.target} SIP/2.0`,
          `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
          'Max-Forwards: 70',
          `From: ${d.from}`,
          `To: ${d.to}`,
          `Call-ID: ${d.callId}`,
          `CSeq: ${cseq} ACK`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    };
    this.responseWatchers.push(ackOnOk);
  }

  /** A request to the core outside any dialog (an unsolicited NOTIFY, an OPTIONS), to its Contact. */
  outOfDialog(method: string, opts: { extraHeaders?: string[]; body?: string; contentType?: string } = {}): string {
    const conn = this.connections.at(-1);
    if (!conn) throw new Error('no connection');
    const target = this.contactOf(conn);
    const callId = `ood-${randomBytes(6).toString('hex')}`;
    const body = opts.body ?? '';
    conn.send(
      [
        `${method} ${target} SIP/2.0`,
        `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
        'Max-Forwards: 70',
        `From: <sip:voicemail@127.0.0.1>;tag=v${randomBytes(4).toString('hex')}`,
        `To: <${target}>`,
        `Call-ID: ${callId}`,
        `CSeq: 1 ${method}`,
        ...(opts.extraHeaders ?? []),
        ...(body ? [`Content-Type: ${opts.contentType ?? 'text/plain'}`] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n'),
    );
    return callId;
  }

  /**
   * Accepts a SUBSCRIBE (200, our tag) and sends the first NOTIFY of that subscription with
   * `body`; returns a function that sends further NOTIFYs in the same dialog.
   */
  acceptSubscription(subscribe: SipMessage, event: string, body: string, contentType: string): (nextBody: string) => void {
    const tag = `s${randomBytes(4).toString('hex')}`;
    this.reply(subscribe, 200, 'OK', { toTag: tag, contact: `<sip:vm@127.0.0.1:${this.port};transport=ws>`, headers: ['Expires: 3600'] });
    const target = /<([^>]+)>/.exec(header(subscribe, 'contact') ?? '')?.[1] ?? '';
    let cseq = 0;
    const send = (text: string): void => {
      cseq += 1;
      subscribe.conn.send(
        [
          `NOTIFY ${target} SIP/2.0`,
          `Via: SIP/2.0/WS 127.0.0.1:${this.port};branch=z9hG4bK${randomBytes(6).toString('hex')}`,
          'Max-Forwards: 70',
          `From: ${header(subscribe, 'to') ?? ''};tag=${tag}`,
          `To: ${header(subscribe, 'from') ?? ''}`,
          `Call-ID: ${header(subscribe, 'call-id') ?? ''}`,
          `CSeq: ${cseq} NOTIFY`,
          `Contact: <sip:vm@127.0.0.1:${this.port};transport=ws>`,
          `Event: ${event}`,
          'Subscription-State: active;expires=3600',
          `Content-Type: ${contentType}`,
          `Content-Length: ${Buffer.byteLength(text)}`,
          '',
          text,
        ].join('\r\n'),
      );
    };
    send(body);
    return send;
  }

  /** Sends raw text over every open socket (for garbage). */
  broadcast(text: string): void {
    for (const c of this.connections) c.send(text);
  }
}

export interface IncomingDialog {
  conn: SipConnection;
  target: string;
  callId: string;
  from: string;
  to: string;
  branch: string;
  cseq: number;
  remoteTarget: string | null;
}
