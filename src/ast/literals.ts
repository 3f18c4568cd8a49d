/** Turns literal token images into values: JSON-escaped strings and decimal numbers. */

export type DecodedString = { ok: true; value: string } | { ok: false; message: string; hint: string; offset: number };

const VALID_ESCAPES = 'valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX';

/**
 * Decodes a double-quoted string image with JSON's rules. On failure, says what is wrong and where (an offset
 * into the image), so the diagnostic points at the bad escape rather than the whole string.
 */
export function decodeString(image: string): DecodedString {
  try {
    const value: unknown = JSON.parse(image);
    if (typeof value === 'string') return { ok: true, value };
  } catch {
    // Fall through to locate the problem.
  }
  return locateStringProblem(image);
}

function locateStringProblem(image: string): DecodedString {
  for (let index = 1; index < image.length - 1; index += 1) {
    const char = image[index];
    if (char === '\\') {
      const escape = image.slice(index, index + 6);
      if (/^\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/.test(escape)) {
        index += escape[1] === 'u' ? 5 : 1;
        continue;
      }
      const shown = escape[1] === 'u' ? escape : escape.slice(0, 2);
      return { ok: false, message: `invalid escape '${shown}' in string`, hint: VALID_ESCAPES, offset: index };
    }
    if (char.charCodeAt(0) < 0x20) {
      const shown = JSON.stringify(char).slice(1, -1);
      return {
        ok: false,
        message: `control character in string`,
        hint: `write it as an escape (${shown}) or remove it`,
        offset: index,
      };
    }
  }
  return { ok: false, message: 'invalid string', hint: VALID_ESCAPES, offset: 0 };
}

/** The value of a `NumberLiteral` image (the lexer guarantees its shape), or null when it overflows a double. */
export function decodeNumber(image: string): number | null {
  const value = Number(image);
  return Number.isFinite(value) ? value : null;
}
