// The three-stage maturity model, with its criteria written down once (docs/analytics.md
// repeats them): a lone champion → dedicated teams → a social organisation.

export type Stage = 1 | 2 | 3;
export type MaturityInputs = {
  /** engaged people (active on ≥ 10 of the last 28 days) ÷ people in the group */
  engagedRate: number | null;
  /** people who wrote anything in the last 28 days ÷ people in the group */
  contributorRate: number | null;
  /** questions answered ÷ questions asked in the range */
  answerRate: number | null;
  /** interactions with other departments ÷ all interactions */
  crossShare: number | null;
};
export type Criterion = { key: keyof MaturityInputs; min: number };

export const STAGE_CRITERIA: Record<2 | 3, Criterion[]> = {
  2: [
    { key: "engagedRate", min: 0.1 },
    { key: "contributorRate", min: 0.15 },
    { key: "answerRate", min: 0.5 },
  ],
  3: [
    { key: "engagedRate", min: 0.3 },
    { key: "contributorRate", min: 0.4 },
    { key: "answerRate", min: 0.8 },
    { key: "crossShare", min: 0.25 },
  ],
};

export type Maturity = {
  /** null: a needed figure is suppressed or missing, so the group cannot be placed */
  stage: Stage | null;
  inputs: MaturityInputs;
  /** the next stage's criteria not met yet (what would move the group up) */
  next: (Criterion & { value: number | null })[];
};

const meets = (inputs: MaturityInputs, c: Criterion) => inputs[c.key] !== null && inputs[c.key]! >= c.min;

export function placeStage(inputs: MaturityInputs): Maturity {
  const needed = (stage: 2 | 3) => STAGE_CRITERIA[stage].filter((c) => !meets(inputs, c));
  if (inputs.engagedRate === null || inputs.contributorRate === null) return { stage: null, inputs, next: [] };
  const stage: Stage = needed(2).length > 0 ? 1 : needed(3).length > 0 ? 2 : 3;
  const next = stage === 3 ? [] : needed((stage + 1) as 2 | 3).map((c) => ({ ...c, value: inputs[c.key] }));
  return { stage, inputs, next };
}
