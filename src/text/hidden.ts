/**
 * @module Text that reads differently to a person than to a program, made visible where stored text leaves
 * cairn for a reader (the terminal, an agent's context). Unicode TAG characters (U+E0000–U+E007F) are invisible
 * in terminals and browsers but language models read them ("ASCII smuggling": a memory carrying instructions
 * nobody reviewing it can see); bidirectional embeddings, overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) make a line display in another order than it is read ("Trojan Source"); zero-width spaces and word
 * joiners (U+200B, U+2060, U+FEFF) carry nothing a reader sees. Each is shown as
 * `[U+XXXX]` instead; stored text keeps them (exports round-trip exactly). Tags inside an emoji flag sequence
 * (🏴, two to seven tag letters or digits, CANCEL TAG: the flags of Scotland, Wales, England) are what they are meant for, and stay.
 */

const FLAG_SEQUENCE = /^\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,7}\u{E007F}$/u;
const HIDDEN = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,7}\u{E007F}|[\u{E0000}-\u{E007F}\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/gu;
const ANY_HIDDEN = /[\u{E0000}-\u{E007F}\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF]/u;

/** `text` with every hidden-meaning character written as `[U+XXXX]` (emoji tag sequences kept). */
export function showHidden(text: string): string {
  if (!ANY_HIDDEN.test(text)) return text;
  return text.replace(HIDDEN, (c) => (FLAG_SEQUENCE.test(c) ? c : `[U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}]`));
}
