// The local API's OpenAPI 3.1 document, built from the same zod schemas that check every request
// (api-schema.ts). The API serves it at GET /v1/openapi.json; `npm run openapi` writes it to
// resources/openapi/cti-v1.json, which ships with the app, and a test keeps that file current.
import { z } from 'zod';
import { DEFAULT_API_PORT } from '../settings/settings-defaults.ts';
import { ApiCall, ApiContact, ApiError, ApiParty, CTI_COMMANDS, CTI_COMMAND_NAMES, CtiEvent, CtiEventType, NoParams, WsCommand, WsFrame } from './api-schema.ts';

const COMPONENTS = '#/components/schemas/';
const ref = (id: string): { $ref: string } => ({ $ref: `${COMPONENTS}${id}` });

/** Drops what the JSON Schema converter writes for a standalone document and OpenAPI does not want. */
function component(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return schema;
  const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}

const ERRORS = {
  '400': 'The parameters are not valid (invalid-argument), or the body is not JSON.',
  '401': 'No bearer token, or a wrong one.',
  '403': 'The Host header names another host (DNS rebinding), or the request comes from a web page not allowed in the settings.',
  '404': 'No such call or resource.',
  '409': 'The call or the account is not in a state for this (not-registered, invalid-call-state, too-many-calls, ...).',
  '413': 'The body is larger than 16 KiB.',
  '415': 'The body is not application/json.',
  '422': 'The number or SIP address cannot be dialled (invalid-number).',
  '429': 'Too many requests, or too many wrong tokens: see Retry-After.',
} as const;

export function openApiDocument(version: string): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  registry.add(ApiCall, { id: 'Call' });
  registry.add(ApiParty, { id: 'Party' });
  registry.add(ApiContact, { id: 'Contact' });
  registry.add(CtiEvent, { id: 'Event' });
  registry.add(CtiEventType, { id: 'EventType' });
  registry.add(ApiError, { id: 'Error' });
  registry.add(WsCommand, { id: 'WebSocketCommand' });
  registry.add(WsFrame, { id: 'WebSocketFrame' });
  registry.add(NoParams, { id: 'NoParameters' });
  for (const name of CTI_COMMAND_NAMES) {
    const { params, result } = CTI_COMMANDS[name];
    if (!registry.has(params)) registry.add(params, { id: `${name}Request` });
    if (!registry.has(result)) registry.add(result, { id: `${name}Result` });
  }
  const { schemas } = z.toJSONSchema(registry, { uri: (id) => `${COMPONENTS}${id}`, unrepresentable: 'any' });
  const idOf = (schema: z.ZodType): string => registry.get(schema)?.id ?? '';

  const paths: Record<string, Record<string, unknown>> = {};
  for (const name of CTI_COMMAND_NAMES) {
    const command = CTI_COMMANDS[name];
    const operation: Record<string, unknown> = {
      operationId: name,
      summary: command.summary,
      tags: ['Calls'],
      ...(command.call ? { parameters: [{ name: 'callId', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } }] } : {}),
      ...(command.method === 'POST'
        ? { requestBody: { required: false, content: { 'application/json': { schema: ref(idOf(command.params)) } } } }
        : {}),
      responses: {
        [name === 'MakeCall' ? '201' : '200']: { description: 'Done.', content: { 'application/json': { schema: ref(idOf(command.result)) } } },
        ...Object.fromEntries(Object.entries(ERRORS).map(([status, description]) => [status, { description, content: { 'application/json': { schema: ref('Error') } } }])),
      },
    };
    paths[command.path] = { ...paths[command.path], [command.method.toLowerCase()]: operation };
  }
  paths['/v1/events'] = {
    get: {
      operationId: 'Events',
      summary:
        'WebSocket (Upgrade). The server sends a `welcome` frame with the calls, then an `event` frame for every call event, in order. ' +
        'Clients may send commands as WebSocketCommand frames and receive `result` frames with the same id. Browsers, which cannot set ' +
        'Authorization on a WebSocket, offer the subprotocols `hookswitch.v1` and `bearer.<token>`; the server answers `hookswitch.v1`.',
      tags: ['Events'],
      responses: {
        '101': { description: 'Switching to the WebSocket protocol; frames are WebSocketFrame.', content: { 'application/json': { schema: ref('WebSocketFrame') } } },
        '401': { description: ERRORS['401'] },
        '403': { description: ERRORS['403'] },
        '503': { description: 'Too many clients.' },
      },
    },
  };
  paths['/v1/openapi.json'] = {
    get: { operationId: 'OpenApi', summary: 'This document (no token needed; Host and Origin are still checked).', tags: ['Meta'], security: [], responses: { '200': { description: 'OpenAPI 3.1.' } } },
  };

  return {
    openapi: '3.1.0',
    info: {
      title: 'Hookswitch local CTI API',
      version,
      description:
        'Drives Hookswitch and hears its call events from programs on the same machine (a CRM, a ticket system). Off until switched on in ' +
        'the settings; listens on 127.0.0.1 only. Every request needs the bearer token from the settings, a Host header naming ' +
        '127.0.0.1 or localhost with the port, and either no Origin header or an origin allowed in the settings. Commands are named as ' +
        'in CSTA (ECMA-269). Webhooks POST the same Event objects, signed: X-Hookswitch-Signature is ' +
        '`sha256=` + hex HMAC-SHA256(secret, X-Hookswitch-Timestamp + "." + body).',
    },
    servers: [{ url: 'http://127.0.0.1:{port}', variables: { port: { default: String(DEFAULT_API_PORT), description: 'Settings: local API port.' } } }],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The token shown in the settings (Local API).' } },
      schemas: Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, component(schema)])),
    },
  };
}
