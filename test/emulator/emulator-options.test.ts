import { DEFAULT_TEST_CREDENTIALS, EmulatorError } from '../../lib/emulator';
import { resolveEmulatorOptions, type EmulatorOptions } from '../../lib/emulator/emulator-options';

describe('resolveEmulatorOptions', () => {
  it('defaults to localhost, us-east-1, the fixed test key pair, 300 s of skew and a free port', () => {
    expect(resolveEmulatorOptions()).toEqual({
      engine: 'mariadb',
      endpointHost: 'localhost',
      region: 'us-east-1',
      accessKeyId: DEFAULT_TEST_CREDENTIALS.accessKeyId,
      secretAccessKey: DEFAULT_TEST_CREDENTIALS.secretAccessKey,
      sessionToken: undefined,
      maxClockSkewSeconds: 300,
      port: undefined,
      serverEnvironment: {},
    });
  });

  it.each<[string, EmulatorOptions, string]>([
    ['a host name with a port', { endpointHost: 'localhost:3306' }, "EmulatorOptions.endpointHost 'localhost:3306' is not a host name"],
    ['a region in words', { region: 'Frankfurt' }, "EmulatorOptions.region 'Frankfurt' is not an AWS region name"],
    ['a short access key id', { accessKeyId: 'AKIA' }, "EmulatorOptions.accessKeyId 'AKIA' is not an access key id"],
    ['a secret with a space', { secretAccessKey: 'two words' }, 'EmulatorOptions.secretAccessKey must be 1 to 200 characters without white space'],
    ['an empty session token', { sessionToken: '' }, 'EmulatorOptions.sessionToken must be 1 to 8000 characters'],
    ['a skew over an hour', { maxClockSkewSeconds: 3601 }, 'EmulatorOptions.maxClockSkewSeconds 3601 must be a whole number of seconds from 0 to 3600'],
    ['port 0', { port: 0 }, 'EmulatorOptions.port 0 must be a TCP port from 1 to 65535'],
    ['an environment name with a space', { serverEnvironment: { 'LD PRELOAD': 'x' } }, "EmulatorOptions.serverEnvironment name 'LD PRELOAD' is not an environment variable name"],
  ])('refuses %s with EMULATOR_INVALID_OPTIONS', (_case, options, message) => {
    let thrown: unknown;
    try {
      resolveEmulatorOptions(options);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(EmulatorError);
    expect(thrown).toMatchObject({ code: 'EMULATOR_INVALID_OPTIONS', message: expect.stringContaining(message) });
  });

  it('never quotes a secret it refuses', () => {
    expect(() => resolveEmulatorOptions({ secretAccessKey: 'leaked secret' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('leaked') }),
    );
  });
});
