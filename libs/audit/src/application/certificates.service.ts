import { Injectable } from '@nestjs/common';
import type { AsOf } from '@isms/event-sourcing';
import type { Principal } from '@isms/auth';
import type { CertifiedStandard } from '@isms/contracts';
import { AuditStreamTypes, auditCertificationStreamId } from '@isms/contracts';
import type { Filter } from '@isms/read-store';
import { certificateStanding, certification } from '../domain/certification/certification.js';
import type { CertificationCommand } from '../domain/certification/commands.js';
import { AuditCollections, CERTIFICATES_PROJECTION } from '../projections/index.js';
import type { CertificateView, EngagementView } from '../projections/index.js';
import { AuditContext, tenantOf, withoutMeta } from './audit-context.js';

export interface IssueCertificateInput {
  readonly scopeId: string;
  readonly certificationBody: string;
  readonly certificateNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly basedOnEngagementId: string;
  readonly standard: CertifiedStandard;
  readonly reason: string;
}

export type CertificateDecisionKind = 'suspension' | 'reinstatement' | 'withdrawal';

/**
 * Certification decisions: an internal auditor or the ISMS function records what the
 * certification body decided (issue after stage 2 or recertification, suspension, reinstatement,
 * withdrawal) in the scope's certification stream. Needs `audit:write` on the scope.
 */
@Injectable()
export class CertificatesService {
  constructor(private readonly context: AuditContext) {}

  async issue(principal: Principal, input: IssueCertificateInput) {
    const tenantId = tenantOf(principal);
    const scope = this.context.assertScope(tenantId, input.scopeId);
    await this.context.assertCan(principal, 'audit:write', input.scopeId);
    const found = await this.context.readStore
      .collection<EngagementView>(AuditCollections.Engagements)
      .get(input.basedOnEngagementId);
    const engagement =
      found && found.tenantId === tenantId
        ? {
            engagementId: found.engagementId,
            scopeId: found.scopeId,
            kind: found.kind,
            status: found.status,
            openMajorNonconformities: found.openMajorNonconformities,
          }
        : undefined;
    const certificateId = this.context.newId('certificate');
    await this.execute(principal, tenantId, input.scopeId, {
      type: 'IssueCertificate',
      certificateId,
      scopeId: input.scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      certificationBody: input.certificationBody,
      certificateNumber: input.certificateNumber,
      issuedOn: input.issuedOn,
      validUntil: input.validUntil,
      standard: input.standard,
      basedOnEngagementId: input.basedOnEngagementId,
      engagement,
      reason: input.reason,
      by: principal.userId,
      at: this.context.now(),
    });
    return this.view(tenantId, certificateId);
  }

  async decide(
    principal: Principal,
    certificateId: string,
    kind: CertificateDecisionKind,
    reason: string,
  ) {
    const tenantId = tenantOf(principal);
    const current = await this.context.one<CertificateView>(
      AuditCollections.Certificates,
      'Certificate',
      tenantId,
      certificateId,
    );
    await this.context.assertCan(principal, 'audit:write', current.scopeId);
    const type = (
      {
        suspension: 'SuspendCertificate',
        reinstatement: 'ReinstateCertificate',
        withdrawal: 'WithdrawCertificate',
      } as const
    )[kind];
    await this.execute(principal, tenantId, current.scopeId, {
      type,
      certificateId,
      reason,
      by: principal.userId,
      at: this.context.now(),
    });
    return this.view(tenantId, certificateId);
  }

  /** The certificates the caller may see, with their standing at the instant asked (or now). */
  async list(
    principal: Principal,
    query: { scopeId?: string | undefined; asOf?: AsOf | undefined },
  ) {
    const tenantId = tenantOf(principal);
    if (query.scopeId) {
      this.context.assertScope(tenantId, query.scopeId);
      await this.context.assertCan(principal, 'read', query.scopeId);
    }
    const from = await this.context.readModels([CERTIFICATES_PROJECTION], query.asOf, tenantId);
    const filter: Filter = {
      tenantId,
      ...(principal.kind === 'external-auditor'
        ? { scopeId: { $in: this.context.access.grantedScopeIds(principal) } }
        : { orgUnitId: { $in: this.context.access.visibleOrgUnitIds(principal) } }),
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
    };
    const at =
      query.asOf && 'recordedAt' in query.asOf
        ? new Date(query.asOf.recordedAt).toISOString()
        : this.context.now();
    const found = await from
      .collection<CertificateView>(AuditCollections.Certificates)
      .find(filter, { sort: { issuedOn: 1 } });
    return {
      items: found.map((c) => ({ ...withoutMeta(c), standing: certificateStanding(c, at) })),
    };
  }

  private async view(tenantId: string, certificateId: string) {
    const found = await this.context.one<CertificateView>(
      AuditCollections.Certificates,
      'Certificate',
      tenantId,
      certificateId,
    );
    return { ...withoutMeta(found), standing: certificateStanding(found, this.context.now()) };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    scopeId: string,
    command: CertificationCommand,
  ) {
    return this.context.execute(
      {
        tenantId,
        streamId: auditCertificationStreamId(scopeId),
        streamType: AuditStreamTypes.AuditCertification,
      },
      certification,
      command,
      this.context.metadata(principal, { reason: command.reason }),
    );
  }
}
