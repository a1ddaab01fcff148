// Control characters (U+0000-U+001F, U+007F) in a value that reaches a file
// or a command: one of them can end a line and start another (a directive,
// a setting), so no such value may hold one.

// eslint-disable-next-line no-control-regex -- these code points are what this module is about
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/** The refusal every validator gives, with the property's path and value. */
export const NO_CONTROL_CHARACTERS = "must not contain control characters (U+0000-U+001F, U+007F)";

export function hasControlCharacter(text: string): boolean {
  return CONTROL_CHARACTER.test(text);
}
