/**
 * Line numbers (1-based) for the offsets the parser reports. Statement and token offsets are
 * UTF-8 byte offsets, but a parse error's cursor counts characters (code points), so one SQL
 * comment with an "é" before a statement would otherwise shift every line after it.
 */
export function lineAtByte(text: string): (byteOffset: number) => number {
  const bytes = Buffer.from(text, 'utf8');
  const lineStarts = [0];
  // 0x0a never occurs inside a multi-byte UTF-8 sequence, so counting it is exact.
  bytes.forEach((byte, index) => {
    if (byte === 0x0a) lineStarts.push(index + 1);
  });
  return (byteOffset) => {
    let low = 0;
    let high = lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((lineStarts[middle] ?? 0) <= byteOffset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

export function lineAtCodePoint(text: string, codePointOffset: number): number {
  let line = 1;
  let index = 0;
  for (const character of text) {
    if (index === codePointOffset) break;
    if (character === '\n') line += 1;
    index += 1;
  }
  return line;
}
