/** @module A negation or an "also" in a language besides English keeps a statement apart from its positive form: stored on write, never folded (capture/negation-words.ts). */
import { describe, expect, test } from "bun:test";
import { compareStatements, saysTheSame } from "../../src/capture/compare.ts";
import { nearCopyGroups } from "../../src/capture/near-copies.ts";
import { testEngine } from "../helpers/engine.ts";

/** Each a statement and its negation (QA: every second one was "already remembered in other words"). */
const PAIRS: ReadonlyArray<readonly [string, string, string]> = [
  ["de", "Staging DB ist schreibgeschützt", "Staging DB ist nicht schreibgeschützt"],
  ["de", "Das Team verwendet Postgres für die Abrechnung", "Das Team verwendet kein Postgres für die Abrechnung"],
  ["fr", "Le vendredi on peut déployer le service de facturation", "Le vendredi on ne peut pas déployer le service de facturation"],
  ["fr", "Le service est déployé le lundi matin", "Le service n'est déployé le lundi matin"],
  ["it", "Il servizio di fatturazione si può rilasciare di venerdì", "Il servizio di fatturazione non si può rilasciare di venerdì"],
  ["nl", "Op vrijdag mag de factuurdienst worden uitgerold", "Op vrijdag mag de factuurdienst niet worden uitgerold"],
  ["pt", "O serviço de cobrança pode ser implantado na sexta", "O serviço de cobrança não pode ser implantado na sexta"],
  ["nb", "Tjenesten kan rulles ut på fredag", "Tjenesten kan ikke rulles ut på fredag"],
  ["da", "Tjenesten må udrulles om fredagen", "Tjenesten må ikke udrulles om fredagen"],
  ["sv", "Tjänsten får driftsättas på fredag", "Tjänsten får inte driftsättas på fredag"],
  ["es", "El servicio de facturación se puede desplegar el viernes", "El servicio de facturación no se puede desplegar el viernes"],
  ["ru", "Сервис биллинга можно деплоить в пятницу", "Сервис биллинга не можно деплоить в пятницу"],
  ["pl", "Usługę rozliczeń można wdrażać w piątek", "Usługę rozliczeń nie można wdrażać w piątek"],
  // At the sentence's end, governing no word after it (QA).
  ["de", "Der Server unterstützt IPv6", "Der Server unterstützt IPv6 nicht"],
  ["nl", "Het team gebruikt Docker voor builds", "Het team gebruikt Docker voor builds niet"],
];

describe("negation in other languages", () => {
  for (const [lang, positive, negated] of PAIRS) {
    test(`${lang}: the negated form is neither a near-copy nor the same meaning, either way round`, () => {
      for (const [a, b] of [[positive, negated], [negated, positive]] as const) {
        expect(compareStatements(a, b).relation).not.toBe("duplicate");
        expect(saysTheSame(a, b)).toBe(false);
      }
    });
  }

  test("remember stores the negation as a memory of its own; the positive one is not reinforced", () => {
    const { engine, advance } = testEngine();
    for (const [, positive, negated] of PAIRS) {
      const first = engine.remember({ content: positive, type: "decision" });
      advance(1000);
      const second = engine.remember({ content: negated, type: "decision" });
      expect(second.status, negated).not.toBe("duplicate");
      expect(second.id).not.toBe(first.id);
      expect(engine.get(first.id, { track: false }).accessCount).toBe(0);
    }
  });

  test("consolidation folds no pair of them", () => {
    const items = PAIRS.flatMap(([lang, positive, negated], i) => [{ id: `${lang}${i}+`, content: positive }, { id: `${lang}${i}-`, content: negated }]);
    expect(nearCopyGroups(items)).toEqual([]);
  });

  test("an English word holding a foreign negation's letters is no negation: a near-copy stays one", () => {
    expect(compareStatements("The cache is non-blocking and uses sans-serif labels", "The cache is non-blocking and uses sans-serif labels.").relation).toBe("duplicate");
  });

  test("an 'also' in another language keeps two statements apart, as English 'also' does", () => {
    expect(saysTheSame("Die Tests laufen mit vitest im CI", "Die Tests laufen auch mit vitest im CI")).toBe(false);
    expect(saysTheSame("Les tests tournent avec vitest en CI", "Les tests tournent aussi avec vitest en CI")).toBe(false);
  });
});
