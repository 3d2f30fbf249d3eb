import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ControlRef, EvidenceType } from '@isms/contracts';
import { ControlsStreamTypes, controlKey } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import type { ReadStore } from '@isms/read-store';
import {
  NotFoundProblem,
  ProblemError,
  READ_STORE,
  RequestValidationError,
  paginate,
} from '@isms/platform-nest';
import type { EvidenceCommand } from '../domain/evidence-record/commands.js';
import {
  EVIDENCE_CONTENT_TYPES,
  EVIDENCE_MAX_BYTES,
  evidenceRecord,
} from '../domain/evidence-record/evidence-record.js';
import { publicView } from '../projections/project.js';
import type { EvidenceView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CatalogueDirectory } from './catalogue-directory.js';
import { ControlsCommandContext, tenantOf } from './command-context.js';
import { EVIDENCE_CONTENT_STORE, contentMatchesType } from './evidence-content-store.js';
import type { EvidenceContentStore } from './evidence-content-store.js';
import { SoaService } from './soa.service.js';
import { visibilityFilter } from './visibility.js';

export interface EvidenceMetadataBody {
  readonly scopeId: string;
  readonly title: string;
  readonly evidenceType: EvidenceType;
  readonly source: string;
  readonly collectedAt: string;
  readonly validUntil?: string;
  readonly controls: readonly ControlRef[];
}

export interface UploadedContent {
  readonly originalName: string;
  readonly mimeType: string;
  readonly content: Buffer;
}

function unsupported(detail: string): ProblemError {
  return new ProblemError(415, 'unsupported-media-type', 'Unsupported media type', detail, {
    errors: [{ field: 'body.file', message: detail, code: 'unsupported_type' }],
    allowed: [...EVIDENCE_CONTENT_TYPES],
  });
}

/** Evidence records: stored files with their SHA-256, validity, and the controls they support. */
@Injectable()
export class EvidenceService {
  constructor(
    private readonly context: ControlsCommandContext,
    private readonly catalogues: CatalogueDirectory,
    private readonly soas: SoaService,
    @Inject(EVIDENCE_CONTENT_STORE) private readonly contentStore: EvidenceContentStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
  ) {}

  async record(
    principal: Principal,
    metadata: EvidenceMetadataBody,
    file: UploadedContent | undefined,
  ) {
    const tenantId = tenantOf(principal);
    const scope = this.soas.scope(tenantId, metadata.scopeId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: scope.ownerOrgUnitId,
      scopeId: metadata.scopeId,
    });
    if (!file || file.content.length === 0) {
      throw new RequestValidationError([
        {
          field: 'body.file',
          message: 'Attach the evidence file as the multipart part "file"',
          code: 'required',
        },
      ]);
    }
    if (file.content.length > EVIDENCE_MAX_BYTES) {
      throw new ProblemError(
        413,
        'payload-too-large',
        'Payload too large',
        `Evidence files may be at most ${EVIDENCE_MAX_BYTES} bytes.`,
        { errors: [{ field: 'body.file', message: 'too large', code: 'too_large' }] },
      );
    }
    const contentType = file.mimeType.split(';')[0]!.trim().toLowerCase();
    if (!(EVIDENCE_CONTENT_TYPES as readonly string[]).includes(contentType)) {
      throw unsupported(
        `Evidence of type ${contentType} is not accepted; use one of ${EVIDENCE_CONTENT_TYPES.join(', ')}.`,
      );
    }
    if (!contentMatchesType(contentType, file.content)) {
      throw unsupported(
        `The file's content is not ${contentType}; send the file with its real type.`,
      );
    }
    const stored = await this.contentStore.put(tenantId, file.content);
    const evidenceId = this.context.newId(ControlsStreamTypes.EvidenceRecord);
    return this.execute(principal, tenantId, evidenceId, {
      type: 'RecordEvidence',
      evidenceId,
      scopeId: metadata.scopeId,
      orgUnitId: scope.ownerOrgUnitId,
      title: metadata.title,
      evidenceType: metadata.evidenceType,
      source: metadata.source,
      collectedAt: metadata.collectedAt,
      ...(metadata.validUntil ? { validUntil: metadata.validUntil } : {}),
      content: {
        fileName: file.originalName.replace(/[^\w.() -]/g, '_').slice(0, 200) || 'evidence',
        contentType,
        size: stored.size,
        sha256: stored.sha256,
      },
      controls: metadata.controls,
      catalogues: await this.catalogues.index(
        tenantId,
        metadata.controls.map((c) => c.catalogueId),
      ),
      by: principal.userId,
      at: this.context.now(),
    });
  }

  async link(
    principal: Principal,
    evidenceId: string,
    control: ControlRef,
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, evidenceId);
    return this.execute(
      principal,
      tenantId,
      evidenceId,
      {
        type: 'LinkEvidence',
        control,
        catalogues: await this.catalogues.index(tenantId, [control.catalogueId]),
      },
      expectedRevision,
    );
  }

  async unlink(
    principal: Principal,
    evidenceId: string,
    input: ControlRef & { reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, evidenceId);
    const { reason, ...control } = input;
    return this.execute(
      principal,
      tenantId,
      evidenceId,
      { type: 'UnlinkEvidence', control, reason },
      expectedRevision,
      reason,
    );
  }

  async withdraw(
    principal: Principal,
    evidenceId: string,
    input: { reason: string },
    expectedRevision?: number,
  ) {
    const { tenantId } = await this.writable(principal, evidenceId);
    return this.execute(
      principal,
      tenantId,
      evidenceId,
      { type: 'WithdrawEvidence', reason: input.reason, by: principal.userId },
      expectedRevision,
      input.reason,
    );
  }

  async get(principal: Principal, evidenceId: string) {
    const view = await this.readable(principal, evidenceId);
    return { evidence: this.present(view), revision: view._revision ?? 0 };
  }

  /** The stored bytes, checked against the SHA-256 the event recorded. */
  async content(principal: Principal, evidenceId: string) {
    const view = await this.readable(principal, evidenceId);
    const content = await this.contentStore.get(view.tenantId, view.sha256);
    if (!content) throw new NotFoundProblem('Evidence content', evidenceId);
    if (createHash('sha256').update(content).digest('hex') !== view.sha256) {
      throw new ProblemError(
        409,
        'evidence-integrity',
        'Evidence content does not match its record',
        `The stored file of ${evidenceId} no longer has the SHA-256 recorded when it was collected; it was altered after upload.`,
        { rule: 'evidence-integrity' },
      );
    }
    return { content, contentType: view.contentType, fileName: view.fileName, sha256: view.sha256 };
  }

  /**
   * Evidence of the caller's scopes: all of it, or `expired` (valid-until before today), or
   * `expiringWithinDays` (expired, or expiring within that many days).
   */
  async list(
    principal: Principal,
    query: {
      scopeId?: string;
      catalogueId?: string;
      controlId?: string;
      expired?: boolean;
      expiringWithinDays?: number;
      limit: number;
      cursor?: string;
    },
  ) {
    const tenantId = tenantOf(principal);
    const today = this.context.today();
    const horizon =
      query.expiringWithinDays !== undefined
        ? new Date(Date.parse(today) + (query.expiringWithinDays + 1) * 86_400_000)
            .toISOString()
            .slice(0, 10)
        : query.expired
          ? today
          : undefined;
    const filter = {
      ...visibilityFilter(this.context.access, principal, tenantId),
      status: 'active',
      ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      ...(query.catalogueId && query.controlId
        ? {
            controlKeys: controlKey({ catalogueId: query.catalogueId, controlId: query.controlId }),
          }
        : {}),
      ...(horizon ? { validUntil: { $lt: horizon } } : {}),
    };
    const page = await paginate(
      this.readStore.collection<EvidenceView>(Collections.Evidence),
      filter,
      {
        sortBy: horizon ? 'validUntil' : 'recordedAt',
        limit: query.limit,
        ...(query.cursor ? { cursor: query.cursor } : {}),
      },
    );
    return { ...page, items: page.items.map((v) => this.present(v)), asAt: today };
  }

  private present(view: EvidenceView) {
    const today = this.context.today();
    return {
      ...publicView(view),
      expired: view.validUntil !== undefined && view.validUntil < today,
    };
  }

  private async view(tenantId: string, evidenceId: string) {
    const view = await this.readStore
      .collection<EvidenceView>(Collections.Evidence)
      .get(evidenceId);
    if (!view || view.tenantId !== tenantId) throw new NotFoundProblem('Evidence', evidenceId);
    return view;
  }

  private async readable(principal: Principal, evidenceId: string) {
    const view = await this.view(tenantOf(principal), evidenceId);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: view.orgUnitId,
      scopeId: view.scopeId,
    });
    return view;
  }

  private async writable(principal: Principal, evidenceId: string) {
    const tenantId = tenantOf(principal);
    const view = await this.view(tenantId, evidenceId);
    await this.context.access.assertCan(principal, 'controls:write', {
      orgUnitId: view.orgUnitId,
      scopeId: view.scopeId,
    });
    return { tenantId, view };
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    evidenceId: string,
    command: EvidenceCommand,
    expectedRevision?: number,
    reason?: string,
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: evidenceId, streamType: ControlsStreamTypes.EvidenceRecord },
      evidenceRecord,
      command,
      this.context.metadata(principal, reason !== undefined ? { reason } : {}),
      expectedRevision,
    );
    const view = await this.view(tenantId, evidenceId);
    return { evidence: this.present(view), revision: result.nextExpectedRevision };
  }
}
