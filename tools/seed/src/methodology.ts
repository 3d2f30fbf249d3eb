import type { RiskMethodologyDefinition, RiskScaleLevel } from '@isms/contracts';

const scale = (entries: readonly [string, string][]): RiskScaleLevel[] =>
  entries.map(([label, description], index) => ({ value: index + 1, label, description }));

/**
 * The seeded group's methodology: 5×5; low and medium within appetite (the risk owner accepts),
 * high only by a CISO, critical never (treat further).
 */
export const GROUP_METHODOLOGY: RiskMethodologyDefinition = {
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
  levels: [
    {
      id: 'low',
      label: 'Low',
      description: 'Within appetite',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 365,
    },
    {
      id: 'medium',
      label: 'Medium',
      description: 'Within appetite; watched',
      acceptableBy: ['risk-owner'],
      reviewIntervalDays: 180,
    },
    {
      id: 'high',
      label: 'High',
      description: 'Above appetite; a CISO may accept it',
      acceptableBy: ['ciso'],
      reviewIntervalDays: 90,
    },
    {
      id: 'critical',
      label: 'Critical',
      description: 'Not acceptable: treat further',
      acceptableBy: [],
      reviewIntervalDays: 30,
    },
  ],
  matrix: [
    ['low', 'low', 'low', 'medium', 'medium'],
    ['low', 'low', 'medium', 'medium', 'high'],
    ['low', 'medium', 'medium', 'high', 'high'],
    ['medium', 'medium', 'high', 'high', 'critical'],
    ['medium', 'high', 'high', 'critical', 'critical'],
  ],
};
