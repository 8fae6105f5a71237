/**
 * @module National identity numbers that regulated users must not keep in clear: US social security numbers,
 * written as they are printed (`123-45-6789`). Only numbers a valid SSN can be (no area 000, 666 or 900–999,
 * no group 00, no serial 0000), and not inside a longer run of digits and dashes (dates, ids, phone numbers).
 */

const SSN = /(?<![\w.-])(\d{3})-(\d{2})-(\d{4})(?![\w]|[.-]\d)/g;

function validSsn(area: string, group: string, serial: string): boolean {
  return area !== "000" && area !== "666" && area[0] !== "9" && group !== "00" && serial !== "0000";
}

/** Replaces social security numbers; `hit` records the redaction and returns its marker. */
export function redactIdNumbers(text: string, hit: (kind: string) => string): string {
  if (!/\d{3}-\d{2}-\d{4}/.test(text)) return text;
  return text.replace(SSN, (m, area: string, group: string, serial: string) => (validSsn(area, group, serial) ? hit("ssn") : m));
}
