import { printParseErrorCode, visit } from 'jsonc-parser';

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

type ErrorName = ReturnType<typeof printParseErrorCode>;

/** Where the first syntax error is, and what surrounds it: enough to say what was expected. */
interface FirstError {
  name: ErrorName;
  offset: number;
  container: 'object' | 'array' | undefined;
}

// Strict JSON: jsonc-parser reads comments and trailing commas only when asked to.
const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

// Far more than a config needs, and far less than the ~10,000 levels at which jsonc-parser, which
// recurses once per level, overflows the stack.
const MAX_DEPTH = 100;

const VALUE = 'a value (a string in double quotes, a number, true, false, null, an object or an array)';

/**
 * The first syntax error, found by jsonc-parser rather than JSON.parse: V8's messages carry no
 * position on Node 20 for most errors, and quote the text around the error, which in a config
 * file may be a password pasted into the wrong place.
 */
function firstError(text: string): FirstError | undefined {
  const open: ('object' | 'array')[] = [];
  let first: FirstError | undefined;
  visit(
    text,
    {
      onObjectBegin: () => void open.push('object'),
      onObjectEnd: () => void open.pop(),
      onArrayBegin: () => void open.push('array'),
      onArrayEnd: () => void open.pop(),
      onError: (code, offset) => {
        first ??= { name: printParseErrorCode(code), offset, container: open.at(-1) };
      },
    },
    STRICT,
  );
  return first;
}

/** Where an object or array opens deeper than MAX_DEPTH, if one does; brackets in strings do not count. */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') {
      depth++;
      if (depth > MAX_DEPTH) return i;
    } else if (char === '}' || char === ']') depth--;
  }
  return undefined;
}

/**
 * What was expected at the error, in words, and where: never the file's own text, which may hold a
 * secret. A trailing comma is placed on the comma, which is what wants deleting.
 */
function explain(text: string, { name, offset, container }: FirstError): { offset: number; reason: string } {
  const next = text[offset];
  const upToError = text.slice(0, offset).trimEnd();
  if (upToError.endsWith(',') && (next === '}' || next === ']'))
    return { offset: upToError.length - 1, reason: `a trailing comma before ${next}, which strict JSON does not allow` };
  return { offset, reason: expected(name, container, upToError.at(-1), text.slice(offset).trim() === '') };
}

function expected(name: ErrorName, container: FirstError['container'], before: string | undefined, atEnd: boolean): string {
  const close = container === 'array' ? ']' : '}';
  const wantsName = container === 'object' && (before === '{' || before === ',');
  switch (name) {
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return 'a comment, which strict JSON does not allow';
    case 'CommaExpected':
      return `expected a comma or ${close}`;
    // Named by the error, not the container: jsonc-parser reports these after closing it.
    case 'CloseBraceExpected':
      return atEnd ? 'the file ends inside an object; expected a comma or }' : 'expected a comma or }';
    case 'CloseBracketExpected':
      return atEnd ? 'the file ends inside an array; expected a comma or ]' : 'expected a comma or ]';
    case 'ColonExpected':
      return 'expected a colon after the property name';
    case 'PropertyNameExpected':
      return 'expected a property name in double quotes';
    case 'InvalidSymbol':
    case 'ValueExpected':
      if (wantsName) return 'expected a property name in double quotes';
      return atEnd ? `the file ends where ${VALUE} was expected` : `expected ${VALUE}`;
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return 'a malformed number';
    case 'UnexpectedEndOfString':
      return 'a string that does not end on its line; expected a closing "';
    case 'InvalidEscapeCharacter':
      return 'an unknown escape in a string; expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX';
    case 'InvalidUnicode':
      return 'a \\u escape without four hex digits';
    case 'InvalidCharacter':
      return 'a control character (such as a tab) inside a string; expected it escaped';
    case 'EndOfFileExpected':
      return 'more text after the JSON value; expected the end of the file';
    default:
      return 'not valid JSON here';
  }
}

/** Strict JSON with a syntax error placed at file:line:column, as editors count (1-based). */
export function parseJsonText(text: string): JsonParseResult {
  if (text.trim() === '') return { ok: false, line: 1, column: 1, reason: 'the file is empty; expected a JSON object' };
  const deep = tooDeepAt(text);
  if (deep !== undefined) return { ok: false, ...lineAndColumn(text, deep), reason: `an object or array nested more than ${MAX_DEPTH} levels deep` };
  const error = firstError(text);
  // What jsonc-parser accepts in strict mode JSON.parse accepts too; its value keeps "__proto__" an own key.
  if (!error) return { ok: true, value: JSON.parse(text) };
  const { offset, reason } = explain(text, error);
  return { ok: false, ...lineAndColumn(text, offset), reason: `invalid JSON: ${reason}` };
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
