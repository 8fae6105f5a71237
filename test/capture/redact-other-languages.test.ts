/** @module Passwords, PINs, tokens and keys stated in prose in languages besides English are redacted; sentences about them that hold no value stay (capture/other-language-secrets.ts). */
import { describe, expect, test } from "bun:test";
import { redactSecrets } from "../../src/capture/redact.ts";
import { testEngine } from "../helpers/engine.ts";

/** Each a sentence and the value in it that must go, with the marker's kind. */
const STATED: ReadonlyArray<readonly [string, string, string]> = [
  ["пароль от базы данных Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["Пароль root на сервере: Kq7vR2mzX9", "Kq7vR2mzX9", "password"],
  ["пароль=Kq7vR2mzX9", "Kq7vR2mzX9", "password"],
  ["Пароль от staging базы Kq7vR2mzX9.", "Kq7vR2mzX9", "password"],
  ["la contraseña de la base de datos es Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["le mot de passe de la base est Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["das Datenbankpasswort ist Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["Das Passwort lautet Hq3wE5rT7", "Hq3wE5rT7", "password"],
  ["la password del database è Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["a senha do banco é Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["het wachtwoord van de database is hunter22", "hunter22", "password"],
  ["hasło do bazy: hunter22", "hunter22", "password"],
  ["hasło to Abc12345!", "Abc12345!", "password"],
  ["veritabanı şifresi: Abc12345", "Abc12345", "password"],
  ["wifi şifresi correcthorsebatterystaple", "correcthorsebatterystaple", "password"],
  ["データベースのパスワードはTr0ub4dor&3です", "Tr0ub4dor&3", "password"],
  ["数据库密码是Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["데이터베이스 비밀번호는 Tr0ub4dor&3 입니다", "Tr0ub4dor&3", "password"],
  ["סיסמת מסד הנתונים היא Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["كلمة المرور لقاعدة البيانات هي Tr0ub4dor&3", "Tr0ub4dor&3", "password"],
  ["мой пин-код 4921", "4921", "pin"],
  ["kod PIN to 4921", "4921", "pin"],
  ["o PIN do cartão é 4921", "4921", "pin"],
  ["暗証番号は4921です", "4921", "pin"],
  ["токен деплоя ghx7Kq2mZp9Lw4Rt8Vn3", "ghx7Kq2mZp9Lw4Rt8Vn3", "token"],
  ["API-Schlüssel: a8F3kLm2Qx9Zt7Yw1Bv4", "a8F3kLm2Qx9Zt7Yw1Bv4", "api_key"],
];

/** Sentences about passwords, PINs and keys that hold none. */
const ABOUT: readonly string[] = [
  "Kennwort ist abgelaufen",
  "Das Passwort muss mindestens 12 Zeichen haben",
  "Passwortmanager ist 1Password",
  "Die Passwortrichtlinie verlangt SHA256 Hashes",
  "PIN-Code seit 2024 geändert",
  "пароль для db01 хранится в vault",
  "Пароль хранится в Vault, путь secret/data/db",
  "Le mot de passe doit contenir 12 caractères.",
  "La contraseña se cambia cada 90 días",
  "un punto clave es la latencia de 200ms",
  "Il servizio usa la chiave di cache user:42",
  "la parola chiave è utf8mb4",
  "パスワードは12文字以上にしてください",
  "密码长度至少8位",
  "비밀번호는 8자 이상이어야 합니다",
  "암호화는 AES256 으로 합니다",
  "the password policy is NIST-800",
  "the GPIO pin 1234 is wired",
  "the resenha do projeto v2 está pronta",
  "The cache is non-blocking and the font sans-serif",
];

describe("secrets stated in other languages", () => {
  for (const [text, value, kind] of STATED) {
    test(`redacted: ${text}`, () => {
      const { text: out, redactions } = redactSecrets(text);
      expect(out).not.toContain(value);
      expect(out).toContain(`[REDACTED:${kind}]`);
      expect(redactions).toEqual([{ kind }]);
    });
  }

  test("sentences about a password, PIN or key that state none are kept whole", () => {
    for (const text of ABOUT) expect(redactSecrets(text), text).toEqual({ text, redactions: [] });
  });

  test("the text around the value is kept", () => {
    expect(redactSecrets("пароль=Kq7vR2mzX9").text).toBe("пароль=[REDACTED:password]");
    expect(redactSecrets("データベースのパスワードはTr0ub4dor&3です").text).toBe("データベースのパスワードは[REDACTED:password]です");
    expect(redactSecrets("Пароль от staging базы Kq7vR2mzX9.").text).toBe("Пароль от staging базы [REDACTED:password].");
  });

  test("a memory stating one is stored without it", () => {
    const { engine } = testEngine();
    const r = engine.remember({ content: "The staging пароль is Tr0ub4dor&3 and the прод пароль=Kq7vR2mzX9", type: "fact" });
    const stored = engine.get(r.id, { track: false }).content;
    expect(stored).not.toContain("Tr0ub4dor&3");
    expect(stored).not.toContain("Kq7vR2mzX9");
  });
});
