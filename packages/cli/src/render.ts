import { Buffer } from 'node:buffer';
/** How user record data is shown; `auto` picks JSON, then text, then hex. */
export type DataFormat = 'auto' | 'text' | 'json' | 'hex' | 'base64';

export const DATA_FORMATS: readonly DataFormat[] = ['auto', 'text', 'json', 'hex', 'base64'];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
/** Control characters other than tab and line breaks: text that is better shown as hex. */
const hasControlCharacters = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f)
      return true;
  }
  return false;
};

/** A user record's data as shown, with the format it was shown in. */
export function showData(
  bytes: Uint8Array,
  format: DataFormat,
): { format: Exclude<DataFormat, 'auto'>; data: string } {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (format === 'hex') return { format, data: buffer.toString('hex') };
  if (format === 'base64') return { format, data: buffer.toString('base64') };
  const text = textOf(bytes);
  if (format === 'text') return { format, data: text ?? buffer.toString('utf8') };
  const json = text === undefined ? undefined : jsonOf(text);
  if (format === 'json' || json !== undefined) {
    return json === undefined
      ? { format: 'hex', data: buffer.toString('hex') }
      : { format: 'json', data: json };
  }
  if (text !== undefined && !hasControlCharacters(text)) return { format: 'text', data: text };
  return { format: 'hex', data: buffer.toString('hex') };
}

function textOf(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function jsonOf(text: string): string | undefined {
  const trimmed = text.trim();
  if (!/^[[{"]/.test(trimmed)) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed));
  } catch {
    return undefined;
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text on one line of a terminal: line breaks, tabs and the other control characters escaped as
 * JSON escapes them (`\n`, `\u001b`), so that what a record holds can neither pass for another
 * line of the output nor move the cursor.
 */
export function oneLine(text: string): string {
  return text.replace(
    /\p{Cc}/gu,
    (control) => ESCAPES[control] ?? `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * Rows as aligned columns, each cell on one line ({@link oneLine}); the last column is cut to
 * `width` characters when one is given.
 */
export function table(
  header: readonly string[],
  rows: readonly string[][],
  width?: number,
): string[] {
  const escaped = rows.map((row) => row.map(oneLine));
  // A loop, not Math.max(...): an aggregate can hold more user records than a call takes arguments.
  const widths = header.map((title) => title.length);
  for (const row of escaped) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column]!, cell.length);
    });
  }
  const line = (cells: readonly string[]) => {
    const text = cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ');
    return width !== undefined && text.length > width ? `${text.slice(0, width - 1)}…` : text;
  };
  return [line(header), ...escaped.map(line)];
}
