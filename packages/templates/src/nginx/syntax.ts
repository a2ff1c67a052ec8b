import { RenderError } from '../errors';

/*
 * Just enough nginx syntax to build readable files. No quoting helper on purpose: every value
 * written is allow-listed so that it is a single bare token (see ../guard.ts).
 */

export type Lines = string[];

const INDENT = '    ';

export function block(head: string, body: Lines): Lines {
  return [`${head} {`, ...body.map((line) => (line === '' ? '' : INDENT + line)), '}'];
}

/** Joins sections with one blank line between them and a final newline. */
export function file(...sections: Lines[]): string {
  return `${sections
    .filter((section) => section.length > 0)
    .map((section) => section.join('\n'))
    .join('\n\n')}\n`;
}

/** `listen` address: IPv6 in brackets. */
export function listenOn(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function header(title: string): Lines {
  // Titles are built from allow-listed values; a line break would end the comment.
  if (/[\r\n\0]/.test(title)) throw new RenderError('header comment: expected a single line');
  return [`# ${title}`, '# Rendered by Switchyard: edits are lost at the next deploy.'];
}
