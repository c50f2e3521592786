import { OUTBOUND_ENV } from '../lib/services';
import { fixture, functionLogicalId, resourcesOfType, synth } from './helpers';

describe('outboundBaseUrl: the HTTP API internal/outbound calls', () => {
  const url = 'https://api.example.com/v1';

  // Without it, no function has the variable: test/service-stack.test.ts checks every variable.
  test('every function gets it as OUTBOUND_BASE_URL', () => {
    const { stack, template } = synth({ ...fixture, outboundBaseUrl: url });
    const fns = resourcesOfType(template, 'AWS::Lambda::Function');
    for (const fn of fixture.functions) {
      expect(fns[functionLogicalId(stack, fn.name)].Properties.Environment.Variables[OUTBOUND_ENV]).toBe(url);
    }
  });

  test.each([
    'http://api.example.com',
    'https://user:secret@api.example.com',
    'https://api.example.com/v1?token=x',
    'https://api.example.com/#top',
    'api.example.com',
  ])('refuses %s', (bad) => {
    expect(() => synth({ ...fixture, outboundBaseUrl: bad })).toThrow(/outboundBaseUrl '.*' must be an https URL without credentials/);
  });

  test('a function cannot set OUTBOUND_BASE_URL itself', () => {
    const fns = [{ ...fixture.functions[1], environment: { [OUTBOUND_ENV]: url } }];
    expect(() => synth({ ...fixture, functions: fns })).toThrow(/OUTBOUND_BASE_URL is set by the stack/);
  });
});
