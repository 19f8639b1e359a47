/**
 * The outcome rules of PRC Civil Code art. 278 (业主共同决定事项), exactly, in integers:
 * participation needs ≥ 2/3 of the total area AND ≥ 2/3 of the owners by number (“三分之二以上”
 * includes two thirds itself); an ordinary matter passes with > 1/2 (“过半数”) of the
 * participating area AND of the participating owners; a major matter (art. 278 items 6–8:
 * raising or using maintenance funds, rebuilding, changing the use of common parts) needs ≥ 3/4
 * (“四分之三以上”) of both. A fraction is compared by cross-multiplication in BigInt: no rounding.
 */

/** A fraction num/den (0 < num ≤ den ≤ 1000). */
export interface Fraction {
  readonly num: number;
  readonly den: number;
}

/** A double-majority rule: a participation quorum and a pass threshold, each on area and head-count. */
export interface MajorityRule {
  readonly quorum: Fraction;
  readonly pass: Fraction;
  /** `true`: more than the fraction (过半数); `false`: at least it (以上). */
  readonly strict: boolean;
}

export const MATTERS = ['ordinary', 'major'] as const;
export type Matter = (typeof MATTERS)[number];

/** The Civil Code's two rules. */
export const ART_278: Readonly<Record<Matter, MajorityRule>> = {
  ordinary: { quorum: { num: 2, den: 3 }, pass: { num: 1, den: 2 }, strict: true },
  major: { quorum: { num: 2, den: 3 }, pass: { num: 3, den: 4 }, strict: false },
};

/** `part / whole ≥ f` (or `>` when strict), exactly. A zero whole never meets a rule. */
export function meets(part: number, whole: number, f: Fraction, strict: boolean): boolean {
  if (whole <= 0) return false;
  const l = BigInt(part) * BigInt(f.den);
  const r = BigInt(f.num) * BigInt(whole);
  return strict ? l > r : l >= r;
}

/** Count and weight of a group of voters. */
export interface Tally {
  readonly count: number;
  readonly weight: number;
}

/** What the rule says about one outcome. */
export interface Outcome {
  /** Participation ≥ quorum of the total area and of the owners. */
  readonly quorumArea: boolean;
  readonly quorumOwners: boolean;
  /** Yes meets the pass fraction of the participating area and owners. */
  readonly passArea: boolean;
  readonly passOwners: boolean;
  /** All four. */
  readonly passed: boolean;
}

/** Apply `rule` to `yes` out of `participating` out of `electorate`. */
export function decide(rule: MajorityRule, electorate: Tally, participating: Tally, yes: Tally): Outcome {
  const quorumArea = meets(participating.weight, electorate.weight, rule.quorum, false);
  const quorumOwners = meets(participating.count, electorate.count, rule.quorum, false);
  const passArea = meets(yes.weight, participating.weight, rule.pass, rule.strict);
  const passOwners = meets(yes.count, participating.count, rule.pass, rule.strict);
  return {
    quorumArea,
    quorumOwners,
    passArea,
    passOwners,
    passed: quorumArea && quorumOwners && passArea && passOwners,
  };
}
