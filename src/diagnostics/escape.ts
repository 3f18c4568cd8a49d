/**
 * Spec text reaches the terminal inside diagnostics (messages quote values, code frames show lines) and in
 * `explain` (the description). Control characters in it (ESC sequences that recolour or retitle the terminal,
 * `\r` that overwrites a line, BEL, the C1 range, Unicode line separators and bidirectional overrides that
 * reorder what is shown) are written as visible `\uXXXX` escapes instead, so output shows what the file holds.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify already escapes U+0000–U+001F; these are the rest of UNSAFE. */
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with every control character written as `\uXXXX` (tabs and line breaks included: output is one line). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, unicodeEscape);
}

/** JSON text with the control characters JSON.stringify leaves raw escaped too; it parses to the same value. */
export function escapeJsonControl(json: string): string {
  return json.replace(UNSAFE_IN_JSON, unicodeEscape);
}
