import type { ChecklistItem, ControlRef, EngagementKind } from '@isms/contracts';
import { controlKey } from '@isms/contracts';

/** The requirements of ISO/IEC 27001:2022 clauses 4–10 (identifiers and short titles only). */
export const ISMS_CLAUSES: readonly { readonly clause: string; readonly title: string }[] = [
  { clause: '4.1', title: 'Understanding the organisation and its context' },
  { clause: '4.2', title: 'Needs and expectations of interested parties' },
  { clause: '4.3', title: 'Scope of the ISMS' },
  { clause: '4.4', title: 'Information security management system' },
  { clause: '5.1', title: 'Leadership and commitment' },
  { clause: '5.2', title: 'Policy' },
  { clause: '5.3', title: 'Roles, responsibilities and authorities' },
  { clause: '6.1', title: 'Actions to address risks and opportunities' },
  { clause: '6.2', title: 'Information security objectives' },
  { clause: '6.3', title: 'Planning of changes' },
  { clause: '7.1', title: 'Resources' },
  { clause: '7.2', title: 'Competence' },
  { clause: '7.3', title: 'Awareness' },
  { clause: '7.4', title: 'Communication' },
  { clause: '7.5', title: 'Documented information' },
  { clause: '8.1', title: 'Operational planning and control' },
  { clause: '8.2', title: 'Information security risk assessment' },
  { clause: '8.3', title: 'Information security risk treatment' },
  { clause: '9.1', title: 'Monitoring, measurement, analysis and evaluation' },
  { clause: '9.2', title: 'Internal audit' },
  { clause: '9.3', title: 'Management review' },
  { clause: '10.1', title: 'Continual improvement' },
  { clause: '10.2', title: 'Nonconformity and corrective action' },
];

const CLAUSE_IDS: ReadonlySet<string> = new Set(ISMS_CLAUSES.map((c) => c.clause));

/** A clause of 4–10 (`9`, `9.2`, `9.2.1` …): findings and evidence requests point at one. */
export function isIsmsClause(clause: string): boolean {
  const match = /^(\d{1,2})(\.\d{1,2}){0,2}$/.exec(clause);
  if (!match) return false;
  const main = Number(match[1]);
  return main >= 4 && main <= 10;
}

/** Exactly the requirement clauses the checklist knows (`4.1` … `10.2`). */
export function isChecklistClause(clause: string): boolean {
  return CLAUSE_IDS.has(clause);
}

/** Certification audits look at every clause; internal and supplier audits at what is planned. */
export const FULL_CLAUSE_KINDS: readonly EngagementKind[] = [
  'stage-1',
  'stage-2',
  'recertification',
];

/** Surveillance and recertification always re-check these (DOMAIN.md, certification and audit). */
export const FOLLOW_UP_KINDS: readonly EngagementKind[] = ['surveillance', 'recertification'];

export interface ChecklistSelection {
  readonly kind: EngagementKind;
  /** Clauses to audit; certification stage 1/2 and recertification always cover them all. */
  readonly clauses: readonly string[];
  readonly controls: readonly ControlRef[];
  /** Nonconformities of earlier engagements of the scope that a surveillance re-checks. */
  readonly earlierNonconformityIds: readonly string[];
}

/**
 * The checklist of an engagement: the clauses (all of 4–10 for stage 1, stage 2 and
 * recertification), the selected controls, and for surveillance and recertification the
 * follow-up of earlier nonconformities, the internal audit (9.2) and the management review (9.3).
 */
export function generateChecklist(selection: ChecklistSelection): ChecklistItem[] {
  const clauses = FULL_CLAUSE_KINDS.includes(selection.kind)
    ? ISMS_CLAUSES
    : ISMS_CLAUSES.filter((c) => selection.clauses.includes(c.clause));
  const items: ChecklistItem[] = clauses.map((c) => ({
    itemId: `clause-${c.clause}`,
    kind: 'clause',
    ref: c.clause,
    title: c.title,
  }));
  const seen = new Set<string>();
  for (const control of selection.controls) {
    const key = controlKey(control);
    if (seen.has(key)) continue;
    seen.add(key);
    items.push({
      itemId: `control-${key}`,
      kind: 'control',
      ref: key,
      title: `Annex A / control ${control.controlId} (${control.catalogueId})`,
      control: { catalogueId: control.catalogueId, controlId: control.controlId },
    });
  }
  if (FOLLOW_UP_KINDS.includes(selection.kind)) {
    items.push(
      {
        itemId: 'follow-up-earlier-nonconformities',
        kind: 'follow-up',
        ref: 'earlier-nonconformities',
        title: 'Re-check earlier nonconformities and the effectiveness of their corrective actions',
        findingIds: [...selection.earlierNonconformityIds],
      },
      {
        itemId: 'follow-up-internal-audit',
        kind: 'follow-up',
        ref: 'internal-audit',
        title: 'Internal audit programme and results since the last audit (9.2)',
      },
      {
        itemId: 'follow-up-management-review',
        kind: 'follow-up',
        ref: 'management-review',
        title: 'Management review since the last audit (9.3)',
      },
    );
  }
  return items;
}
