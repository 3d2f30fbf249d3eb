import type {
  RiskLevelDefinition,
  RiskMethodologyDefinition,
  RiskScaleLevel,
} from '@isms/contracts';

const scale = (entries: readonly [string, string][]): RiskScaleLevel[] =>
  entries.map(([label, description], index) => ({ value: index + 1, label, description }));

/** The group CISO's methodology of JOURNEYS.md: 5×5; up to medium by the risk owner, high by the CISO. */
export const group5x5Levels: RiskLevelDefinition[] = [
  {
    id: 'low',
    label: 'Low',
    description: 'Within appetite; routine monitoring',
    acceptableBy: ['risk-owner'],
    reviewIntervalDays: 365,
  },
  {
    id: 'medium',
    label: 'Medium',
    description: 'Within appetite; the risk owner watches it',
    acceptableBy: ['risk-owner'],
    reviewIntervalDays: 180,
  },
  {
    id: 'high',
    label: 'High',
    description: 'Above appetite; only the CISO may accept it',
    acceptableBy: ['ciso'],
    reviewIntervalDays: 90,
  },
  {
    id: 'critical',
    label: 'Critical',
    description: 'Not acceptable: treat until it is lower',
    acceptableBy: [],
    reviewIntervalDays: 30,
  },
];

export const group5x5: RiskMethodologyDefinition = {
  likelihoodScale: scale([
    ['Rare', 'Less than once in ten years'],
    ['Unlikely', 'Once in three to ten years'],
    ['Possible', 'Once in one to three years'],
    ['Likely', 'Several times a year'],
    ['Almost certain', 'Monthly or more often'],
  ]),
  impactScale: scale([
    ['Negligible', 'No noticeable effect'],
    ['Minor', 'Local disruption, under 10k EUR'],
    ['Moderate', 'Customer-visible, under 100k EUR'],
    ['Major', 'Regulatory notification, under 1M EUR'],
    ['Severe', 'Threatens the business, 1M EUR or more'],
  ]),
  levels: group5x5Levels,
  matrix: [
    ['low', 'low', 'low', 'medium', 'medium'],
    ['low', 'low', 'medium', 'medium', 'high'],
    ['low', 'medium', 'medium', 'high', 'high'],
    ['medium', 'medium', 'high', 'high', 'critical'],
    ['medium', 'high', 'high', 'critical', 'critical'],
  ],
};

/** A subsidiary's impact scale in its own currency and thresholds (same five steps). */
export const subsidiaryImpactScale: RiskScaleLevel[] = scale([
  ['Negligible', 'No noticeable effect'],
  ['Minor', 'Under 50k PLN'],
  ['Moderate', 'Under 400k PLN'],
  ['Major', 'Under 4M PLN or a notification to UODO'],
  ['Severe', '4M PLN or more'],
]);
