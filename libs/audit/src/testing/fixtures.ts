import type { SoaLine } from '@isms/contracts';
import {
  ControlsEventTypes as C,
  ControlsStreamTypes,
  GovernanceEventTypes as G,
  GovernanceStreamTypes,
  soaStreamId,
} from '@isms/contracts';
import type { AuditTestApp, SeededTenant } from './http-harness.js';

/** An external auditor of a certification body with one access grant on a scope. */
export async function seedExternalAuditor(
  t: AuditTestApp,
  tenant: SeededTenant,
  name: string,
  grant: { scopeId: string; validFrom: string; validUntil: string },
): Promise<{ personId: string; grantId: string; token: string }> {
  const personId = `person-${name}-${tenant.tenantId}`;
  const grantId = `access-grant-${name}-${tenant.tenantId}`;
  await t.seed(tenant.tenantId, personId, GovernanceStreamTypes.Person, [
    {
      type: G.PersonRegistered,
      data: {
        personId,
        displayName: name,
        email: `${name}@cb.test`,
        kind: 'external-auditor',
        homeOrgUnitId: tenant.unit('root'),
        certificationBody: 'Certa',
      },
    },
  ]);
  await t.seed(tenant.tenantId, grantId, GovernanceStreamTypes.AccessGrant, [
    {
      type: G.AccessGranted,
      data: {
        grantId,
        auditorPersonId: personId,
        certificationBody: 'Certa',
        ...grant,
        readOnly: true,
        grantedBy: 'seed',
        reason: 'Stage 2 audit',
      },
    },
  ]);
  return { personId, grantId, token: await t.token(tenant.tenantId, personId) };
}

export function soaLine(controlId: string, applicable: boolean): SoaLine {
  return {
    catalogueId: 'iso27001-2022',
    controlId,
    applicable,
    inclusionReasons: applicable ? ['risk-treatment'] : [],
    justification: applicable ? 'Treats R-1' : 'No such activity',
    implementationStatus: applicable ? 'implemented' : 'not-applicable',
  };
}

/** SoA lines of a scope, as the controls context publishes them. */
export async function seedSoaLines(
  t: AuditTestApp,
  tenant: SeededTenant,
  scopeId: string,
  orgUnitId: string,
  lines: readonly SoaLine[],
  establish = true,
): Promise<void> {
  const soaId = soaStreamId(scopeId);
  const common = { soaId, scopeId, orgUnitId };
  await t.seed(tenant.tenantId, soaId, ControlsStreamTypes.StatementOfApplicability, [
    ...(establish
      ? [
          {
            type: C.SoaEstablished,
            data: { ...common, catalogueId: 'iso27001-2022', establishedBy: 'seed' },
          },
        ]
      : []),
    ...lines.map((line) => ({
      type: C.SoaLineRecorded,
      data: { ...common, catalogueId: 'iso27001-2022', line, recordedBy: 'seed' },
    })),
  ]);
}

/** An evidence record of a scope, as the controls context publishes it. */
export async function seedEvidence(
  t: AuditTestApp,
  tenant: SeededTenant,
  evidenceId: string,
  scopeId: string,
  orgUnitId: string,
  title = 'Access review Q1',
): Promise<void> {
  await t.seed(tenant.tenantId, evidenceId, ControlsStreamTypes.EvidenceRecord, [
    {
      type: C.EvidenceRecorded,
      data: {
        evidenceId,
        scopeId,
        orgUnitId,
        title,
        evidenceType: 'report',
        source: 'IAM',
        collectedAt: '2026-02-28T00:00:00.000Z',
        fileName: 'review.pdf',
        contentType: 'application/pdf',
        size: 10,
        sha256: 'a'.repeat(64),
        controls: [{ catalogueId: 'iso27001-2022', controlId: '5.15' }],
        recordedBy: 'seed',
      },
    },
  ]);
}
