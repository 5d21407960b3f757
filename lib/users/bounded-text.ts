/**
 * Errors quote what was wrong, but never all of it: a 1 MB user name or 10,000 invalid users must still give a
 * message a person can read and CloudFormation can carry (its failure reason is cut at 4 KB). Synth-time and
 * run-time errors use these helpers alike.
 */

/** How many characters of an offending value an error quotes. */
export const MAX_QUOTED_CHARACTERS = 64;
/** How many problems an error lists in full before it only counts the rest. */
export const MAX_LISTED_PROBLEMS = 10;
/** The most characters the listed problems of one error take together, so the whole message stays under 4 KB. */
export const MAX_LISTED_CHARACTERS = 3_000;
/** The most characters of one listed problem. */
const MAX_LINE_CHARACTERS = 600;

/**
 * A value as an error quotes it: JSON for strings, arrays and objects, cut after {@link MAX_QUOTED_CHARACTERS}
 * characters with the full length said; numbers, booleans, null and undefined as themselves.
 */
export function quoteValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length <= MAX_QUOTED_CHARACTERS
        ? JSON.stringify(value)
        : `${JSON.stringify(value.slice(0, MAX_QUOTED_CHARACTERS))}… (${value.length.toLocaleString('en-US')} characters)`;
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'function':
      return 'a function';
    case 'symbol':
      return 'a symbol';
    case 'object':
      return quoteStructure(value);
  }
}

function quoteStructure(value: object | null): string {
  if (value === null) return 'null';
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    // Circular (a construct passed where data belongs) or a throwing toJSON: say what it is instead.
  }
  if (json === undefined) return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
  return json.length <= MAX_QUOTED_CHARACTERS ? json : `${json.slice(0, MAX_QUOTED_CHARACTERS)}… (${json.length.toLocaleString('en-US')} characters of JSON)`;
}

/** What kind of value it is, for type errors: `a string`, `a number`, `an array`, `null`… */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'undefined' ? 'undefined' : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/**
 * One line per problem, each prefixed with `  - `: the first {@link MAX_LISTED_PROBLEMS} (or fewer, when they would
 * exceed {@link MAX_LISTED_CHARACTERS}) in full, then how many more there are.
 */
export function listProblems(lines: readonly string[]): string {
  const listed: string[] = [];
  let used = 0;
  for (const line of lines) {
    if (listed.length === MAX_LISTED_PROBLEMS) break;
    const bounded = line.length <= MAX_LINE_CHARACTERS ? line : `${line.slice(0, MAX_LINE_CHARACTERS)}…`;
    if (listed.length > 0 && used + bounded.length > MAX_LISTED_CHARACTERS) break;
    listed.push(`  - ${bounded}`);
    used += bounded.length;
  }
  const rest = lines.length - listed.length;
  if (rest > 0) listed.push(`  … and ${rest.toLocaleString('en-US')} more problem${rest === 1 ? '' : 's'} (fix these first, then run again)`);
  return listed.join('\n');
}
