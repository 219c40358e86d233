import { describe, expect, it } from 'vitest';
import { CALL_FIELDS, EVENT_FIELDS, emptyValues, fillJson, fillUrl, templateProblem } from '../../../main/core/cti/templates.ts';

describe('URL templates', () => {
  const values = { ...emptyValues(CALL_FIELDS), e164: '+15551234567', name: 'Ann & Bob/..?x=1#y', company: '東京 Ltd' };

  it('fills every placeholder URL-encoded', () => {
    const url = fillUrl('https://crm.example.com/search?phone={e164}&name={name}&c={company}', values, CALL_FIELDS);
    expect(url).toBe('https://crm.example.com/search?phone=%2B15551234567&name=Ann%20%26%20Bob%2F..%3Fx%3D1%23y&c=%E6%9D%B1%E4%BA%AC%20Ltd');
    expect(new URL(url ?? '').searchParams.get('name')).toBe('Ann & Bob/..?x=1#y');
  });

  it('a value can never change the scheme, host or path', () => {
    const hostile = { ...emptyValues(CALL_FIELDS), name: 'javascript:alert(1)', e164: '@evil.example' };
    expect(fillUrl('{name}', hostile, CALL_FIELDS)).toBeNull();
    expect(new URL(fillUrl('https://crm.example.com/{e164}', hostile, CALL_FIELDS) ?? '').host).toBe('crm.example.com');
    expect(new URL(fillUrl('https://crm.example.com/a/{name}', { ...hostile, name: '../../admin' }, CALL_FIELDS) ?? '').pathname).toBe(
      '/a/..%2F..%2Fadmin',
    );
  });

  it('refuses templates that are not http(s), name unknown placeholders, or carry credentials', () => {
    expect(templateProblem('', 'url')).toBeNull();
    expect(templateProblem('https://crm.example.com/?q={e164}', 'url')).toBeNull();
    expect(templateProblem('javascript:alert({name})', 'url')).toBe('not-http');
    expect(templateProblem('file:///etc/passwd', 'url')).toBe('not-http');
    expect(templateProblem('https://crm.example.com/?q={phone}', 'url')).toBe('unknown-placeholder');
    expect(templateProblem('https://crm.example.com/?q={e164', 'url')).toBe('unbalanced');
    expect(templateProblem('https://user:pw@crm.example.com/', 'url')).toBe('not-http');
  });

  it('a value cannot pick the server or climb the path', () => {
    for (const template of ['https://{crmId}.crm.example.com/', 'https://crm.example{crmId}/', 'https://crm.example.com:{digits}/', 'https://{name}@crm.example.com/', 'http{e164}://x/']) {
      expect(templateProblem(template, 'url'), template).not.toBeNull();
      expect(fillUrl(template, { ...emptyValues(CALL_FIELDS), crmId: 'evil.example', digits: '80', name: 'x' }, CALL_FIELDS), template).toBeNull();
    }
    expect(templateProblem('https://crm.example.com/{crmId}', 'url')).toBeNull();
    const path = 'https://crm.example.com/people/{name}/calls';
    expect(fillUrl(path, { ...emptyValues(CALL_FIELDS), name: '..' }, CALL_FIELDS)).toBe('https://crm.example.com/people//calls');
    expect(fillUrl(path, { ...emptyValues(CALL_FIELDS), name: '.' }, CALL_FIELDS)).toBe('https://crm.example.com/people//calls');
    expect(fillUrl(path, { ...emptyValues(CALL_FIELDS), name: '../../admin' }, CALL_FIELDS)).toBe('https://crm.example.com/people/..%2F..%2Fadmin/calls');
    expect(fillUrl(path, { ...emptyValues(CALL_FIELDS), name: 'J.R.' }, CALL_FIELDS)).toBe('https://crm.example.com/people/J.R./calls');
  });

  it('half a character (an emoji cut in two) is filled as U+FFFD, never an exception', () => {
    const half = '😀'.slice(0, 1);
    expect(fillUrl('https://crm.example.com/?n={name}', { ...emptyValues(CALL_FIELDS), name: `Ada ${half}` }, CALL_FIELDS)).toBe('https://crm.example.com/?n=Ada%20%EF%BF%BD');
    expect(fillJson('{"n": "{name}"}', { ...emptyValues(CALL_FIELDS), name: half }, CALL_FIELDS)).toBe('{"n": "\uFFFD"}');
  });

  it('event fields are there for webhooks and not for the screen-pop', () => {
    expect(templateProblem('https://hooks.example.com/{event}', 'url')).toBe('unknown-placeholder');
    expect(templateProblem('https://hooks.example.com/{event}', 'url', EVENT_FIELDS)).toBeNull();
  });
});

describe('JSON body templates', () => {
  const body = '{"text": "Call from {name} ({e164})", "call": "{callId}", "tags": ["{event}"]}';

  it('escapes each value as the inside of a JSON string', () => {
    const values = { ...emptyValues(EVENT_FIELDS), name: 'Eve", "admin": true, "x": "\\\n<script>', e164: '+15551234567', callId: 'c1', event: 'Delivered' };
    const filled = fillJson(body, values, EVENT_FIELDS);
    expect(filled).not.toBeNull();
    const parsed = JSON.parse(filled ?? '') as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['text', 'call', 'tags']);
    expect(parsed.text).toBe('Call from Eve", "admin": true, "x": "\\\n<script> (+15551234567)');
    expect(filled).not.toContain('<script>');
  });

  it('allows placeholders only inside strings, and the result must be JSON', () => {
    expect(templateProblem(body, 'json', EVENT_FIELDS)).toBeNull();
    expect(templateProblem('{"n": {digits}}', 'json', EVENT_FIELDS)).toBe('placeholder-outside-string');
    expect(templateProblem('{"n": "{phone}"}', 'json', EVENT_FIELDS)).toBe('unknown-placeholder');
    expect(templateProblem('{"n": "{e164}"', 'json', EVENT_FIELDS)).toBe('not-json');
    expect(templateProblem('not json at all', 'json', EVENT_FIELDS)).toBe('not-json');
    // JSON's own braces are not placeholders.
    expect(templateProblem('{"a": {"b": "{e164}"}}', 'json', EVENT_FIELDS)).toBeNull();
  });
});
