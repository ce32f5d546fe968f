import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('redacts secret parameters by their decoded name, keeping everything else as sent', () => {
    expect(redactUrl('/api/?apikey=abc&service=list_clients')).toBe('/api/?apikey=[REDACTED]&service=list_clients');
    expect(redactUrl('/api/?%61pikey=abc&service=x')).toBe('/api/?%61pikey=[REDACTED]&service=x');
    expect(redactUrl('/api/?service=x&APIKEY=abc&apikey=def')).toBe('/api/?service=x&APIKEY=[REDACTED]&apikey=[REDACTED]');
    expect(redactUrl('/x?pass+word=1&pass%77ord=2&password=3&token=4&key')).toBe('/x?pass+word=1&pass%77ord=[REDACTED]&password=[REDACTED]&token=[REDACTED]&key=[REDACTED]');
    expect(redactUrl('/x?%zz=1&ok=2')).toBe('/x?%zz=1&ok=2');
    expect(redactUrl('/settings/users?tab=audit')).toBe('/settings/users?tab=audit');
    expect(redactUrl('/api/%3Fapikey=abc')).toBe('[REDACTED]');
  });
});
