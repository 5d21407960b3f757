import { describeType, listProblems, MAX_LISTED_PROBLEMS, quoteValue } from '../../lib/users/bounded-text';

describe('quoteValue', () => {
  it.each<[string, unknown, string]>([
    ['a short string as JSON', "o'brien", '"o\'brien"'],
    ['control characters escaped', 'a\nb', '"a\\nb"'],
    ['a long string cut at 64 characters, with its length', 'x'.repeat(1_000_000), `"${'x'.repeat(64)}"… (1,000,000 characters)`],
    ['a number', 42, '42'],
    ['a boolean', false, 'false'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
    ['a short array as JSON', ['SELECT'], '["SELECT"]'],
    ['a long array cut, with its JSON length', Array.from({ length: 100 }, () => 'SELECT'), `${JSON.stringify(Array.from({ length: 100 }, () => 'SELECT')).slice(0, 64)}… (901 characters of JSON)`],
    ['a function by kind', () => 1, 'a function'],
  ])('quotes %s', (_label, value, expected) => {
    expect(quoteValue(value)).toBe(expected);
  });

  it('says what a circular structure is instead of failing', () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(quoteValue(circular)).toBe('an object');
  });
});

describe('describeType', () => {
  it.each<[unknown, string]>([['x', 'a string'], [0, 'a number'], [[], 'an array'], [{}, 'an object'], [null, 'null'], [undefined, 'undefined']])(
    'names %p as %s',
    (value, expected) => {
      expect(describeType(value)).toBe(expected);
    },
  );
});

describe('listProblems', () => {
  it('lists up to ten problems in full and counts the rest', () => {
    const listed = listProblems(Array.from({ length: 25 }, (_, index) => `problem ${index}`));
    expect(listed.split('\n')).toHaveLength(MAX_LISTED_PROBLEMS + 1);
    expect(listed).toContain('  - problem 9');
    expect(listed).not.toContain('problem 10');
    expect(listed).toContain('… and 15 more problems');
  });

  it('stops early when long problems would pass the character budget, and cuts any one line', () => {
    const listed = listProblems(Array.from({ length: 10 }, () => 'y'.repeat(5_000)));
    expect(listed.length).toBeLessThan(4096);
    expect(listed).toMatch(/… and \d more problems/);
  });

  it('says nothing more when everything is listed', () => {
    expect(listProblems(['only one'])).toBe('  - only one');
  });
});
