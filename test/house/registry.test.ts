import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { domainOfArgv, subjectTarget } from '../../src/cli/options/domain-option.ts';
import { parseTargetSpec } from '../../src/cli/options/target-spec.ts';
import { isShakedownError } from '../../src/core/shakedown-error.ts';
import {
  DEFAULT_DOMAIN,
  isDomainPath,
  isKnownDomain,
  knownDomains,
  loadDomain,
  SUBJECT_DOMAIN,
} from '../../src/domains/registry.ts';

const COUNTER = './test/fixtures/counter-domain/counter-pack.ts';

async function usageOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isShakedownError(error) && error.code === 'SHK_USAGE') return error.message;
    throw error;
  }
  throw new Error('expected a usage error');
}

describe('the domain registry', () => {
  it('knows trading by name, the default, with a reference workers can load', async () => {
    expect(knownDomains()).toContain('trading');
    expect(DEFAULT_DOMAIN).toBe('trading');
    const { pack, recordAs } = await loadDomain('trading');
    expect(pack.name).toBe('trading');
    expect(recordAs).toBe('trading');
    expect(pack.reference?.exportName).toBe('tradingPack');
    // Its properties, and its scenarios as fuzzed properties, by name.
    const scenario = pack.scenarios?.[0]?.name;
    expect(pack.findProperty?.(`scenario:${scenario}`)?.name).toBe(`scenario:${scenario}`);
    expect(pack.findProperty?.('order-lifecycle')?.name).toBe('order-lifecycle');
    expect(pack.findProperty?.('scenario:nosuch')).toBeUndefined();
  });

  it('refuses an unknown name, listing the known ones', async () => {
    const message = await usageOf(loadDomain('nosuch'));
    expect(message).toBe(
      `--domain: unknown domain "nosuch"; known domains: ${knownDomains().join(', ')} (or a path to a domain pack module, ./my-pack.ts)`,
    );
  });

  it('loads a pack module by path, recorded by its absolute path, with or without #export', async () => {
    expect(isDomainPath(COUNTER)).toBe(true);
    expect(isDomainPath(`${COUNTER}#counterPack`)).toBe(true);
    expect(isDomainPath('trading')).toBe(false);
    const bare = await loadDomain(COUNTER);
    expect(bare.pack.name).toBe('counter');
    expect(bare.recordAs).toBe(resolve(COUNTER));
    // Workers load it the way this thread did.
    expect(bare.pack.reference).toEqual({
      module: expect.stringMatching(/^file:.*counter-pack\.ts$/),
      exportName: 'counterPack',
    });
    const named = await loadDomain(`${COUNTER}#counterPack`);
    expect(named.recordAs).toBe(`${resolve(COUNTER)}#counterPack`);
  });

  it('names what is wrong with a module that holds no pack', async () => {
    expect(await usageOf(loadDomain('./test/fixtures/nosuch-pack.ts'))).toContain('no domain pack module at');
    const notAPack = await usageOf(
      loadDomain('./test/fixtures/counter-domain/counter-action.ts#COUNTER_CLIENTS'),
    );
    expect(notAPack).toContain(
      'export "COUNTER_CLIENTS" is not a domain pack (missing or wrong: name, clients',
    );
  });
});

describe('--subject: sugar for the bots domain', () => {
  it('selects the bots domain, and says so clearly while it is not registered', () => {
    if (isKnownDomain(SUBJECT_DOMAIN)) {
      expect(domainOfArgv(['run', '--subject', 'node bot.js'])).toEqual({
        name: SUBJECT_DOMAIN,
        by: '--subject',
      });
      return;
    }
    expect(() => domainOfArgv(['run', '--subject', 'node bot.js'])).toThrow(
      `--subject needs the ${SUBJECT_DOMAIN} domain, which this shakedown does not have`,
    );
    expect(() => domainOfArgv(['diff', '--against-subject=./bot.ts'])).toThrow('--against-subject needs');
  });

  it('refuses --subject with another --domain', () => {
    expect(() => domainOfArgv(['run', '--domain', 'trading', '--subject', './bot.ts'])).toThrow(
      'cannot be combined with --domain trading',
    );
  });

  it('reads --domain before the program is built, and nothing without it', () => {
    expect(domainOfArgv(['run', '--domain', COUNTER])).toEqual({ name: COUNTER, by: '--domain' });
    expect(domainOfArgv(['run', `--domain=${COUNTER}`])).toEqual({ name: COUNTER, by: '--domain' });
    expect(domainOfArgv(['run', '--seed', '1'])).toBeUndefined();
  });

  it('turns an existing module file into a module target and anything else into a command', () => {
    expect(parseTargetSpec(subjectTarget(COUNTER))).toEqual({ kind: 'module', path: COUNTER });
    expect(parseTargetSpec(subjectTarget('node bot.js --fast'))).toEqual({
      kind: 'command',
      command: 'node bot.js --fast',
    });
    // A .ts name that is not a file is a command line, not a module that would fail to load.
    expect(parseTargetSpec(subjectTarget('./missing-bot.ts'))).toEqual({
      kind: 'command',
      command: './missing-bot.ts',
    });
  });
});
