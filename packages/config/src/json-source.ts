export type JsonParseResult = { ok: true; value: unknown } | { ok: false; line: number; column: number; reason: string };

/** JSON.parse with the error placed at file:line:column, as editors count (1-based). */
export function parseJsonText(text: string): JsonParseResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message;
    const at = /position (\d+)/.exec(message);
    const offset = at?.[1] !== undefined ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '');
    return {
      ok: false,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      reason: text.trim() === '' ? 'the file is empty; expected a JSON object' : `invalid JSON: ${reason}`,
    };
  }
}
