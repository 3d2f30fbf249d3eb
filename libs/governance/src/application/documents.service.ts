import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DomainRuleViolation } from '@isms/event-sourcing';
import type { AsOf } from '@isms/event-sourcing';
import type { DocumentType, MandatoryDocumentType } from '@isms/contracts';
import { GovernanceStreamTypes } from '@isms/contracts';
import type { Principal } from '@isms/auth';
import { ProblemError, RequestValidationError, paginate } from '@isms/platform-nest';
import { controlledDocument } from '../domain/controlled-document/controlled-document.js';
import type { ControlledDocumentCommand } from '../domain/controlled-document/commands.js';
import { DOCUMENTS_PROJECTION } from '../projections/documents/documents.projection.js';
import { publicView } from '../projections/project.js';
import type { DocumentView } from '../projections/read-models.js';
import { Collections } from '../projections/read-models.js';
import { CommandContext, tenantOf } from './command-context.js';
import {
  ALLOWED_DOCUMENT_TYPES,
  DOCUMENT_CONTENT_STORE,
  DOCUMENT_UPLOAD_POLICY,
  contentMatchesType,
} from './document-content-store.js';
import type { DocumentContentStore, DocumentUploadPolicy } from './document-content-store.js';
import { Lookups } from './lookups.js';

export interface RegisterDocumentInput {
  readonly title: string;
  readonly documentType: DocumentType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly mandatoryTypes: readonly MandatoryDocumentType[];
  readonly scopeIds: readonly string[];
  readonly reviewIntervalMonths: number;
}

export interface UploadedFile {
  readonly originalName: string;
  readonly mimeType: string;
  readonly content: Buffer;
}

/** The document register (7.5) and the information security policy (5.2). */
@Injectable()
export class DocumentsService {
  constructor(
    private readonly context: CommandContext,
    private readonly lookups: Lookups,
    @Inject(DOCUMENT_CONTENT_STORE) private readonly contents: DocumentContentStore,
    @Inject(DOCUMENT_UPLOAD_POLICY) readonly uploadPolicy: DocumentUploadPolicy,
  ) {}

  async register(principal: Principal, input: RegisterDocumentInput) {
    const tenantId = tenantOf(principal);
    await this.lookups.orgUnit(tenantId, input.orgUnitId);
    await this.context.access.assertCan(principal, 'governance:document:manage', {
      orgUnitId: input.orgUnitId,
    });
    await this.assertOwner(tenantId, input.ownerPersonId, 'ownerPersonId');
    await this.assertScopes(tenantId, input.scopeIds);
    const documentId = this.context.newId('document');
    return this.execute(principal, tenantId, documentId, {
      type: 'RegisterDocument',
      documentId,
      ...input,
    });
  }

  async changeDetails(
    principal: Principal,
    documentId: string,
    input: {
      title?: string;
      ownerPersonId?: string;
      mandatoryTypes?: readonly MandatoryDocumentType[];
      scopeIds?: readonly string[];
      reviewIntervalMonths?: number;
    },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const document = await this.lookups.document(tenantId, documentId);
    await this.context.access.assertCan(principal, 'governance:document:manage', {
      orgUnitId: document.orgUnitId,
    });
    if (input.ownerPersonId) await this.assertOwner(tenantId, input.ownerPersonId, 'ownerPersonId');
    if (input.scopeIds) await this.assertScopes(tenantId, input.scopeIds);
    return this.execute(
      principal,
      tenantId,
      documentId,
      { type: 'ChangeDocumentDetails', ...input },
      expectedRevision,
    );
  }

  /** Stores the content (by SHA-256) and records the new version with its hash. */
  async addVersion(
    principal: Principal,
    documentId: string,
    file: UploadedFile | undefined,
    changeSummary: string,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const document = await this.lookups.document(tenantId, documentId);
    await this.context.access.assertCan(principal, 'governance:document:manage', {
      orgUnitId: document.orgUnitId,
    });
    if (!file || file.content.length === 0) {
      throw new RequestValidationError([
        { field: 'body.file', message: 'Attach the document as a non-empty `file` part' },
      ]);
    }
    const contentType = file.mimeType.split(';')[0]!.trim().toLowerCase();
    if (!(contentType in ALLOWED_DOCUMENT_TYPES)) {
      throw new ProblemError(
        415,
        'unsupported-media-type',
        'Unsupported document type',
        `Documents may be ${Object.values(ALLOWED_DOCUMENT_TYPES).join(', ')}; ${contentType} is not accepted.`,
        {
          errors: [
            {
              field: 'body.file',
              message: `content type ${contentType} is not allowed`,
              code: 'content_type',
            },
          ],
        },
      );
    }
    if (!contentMatchesType(contentType, file.content)) {
      throw new RequestValidationError([
        {
          field: 'body.file',
          message: `The content is not a valid ${ALLOWED_DOCUMENT_TYPES[contentType]} file`,
          code: 'content_mismatch',
        },
      ]);
    }
    const stored = await this.contents.put(file.content);
    return this.execute(
      principal,
      tenantId,
      documentId,
      {
        type: 'AddDocumentVersion',
        fileName: file.originalName.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 255) || 'document',
        contentType,
        size: stored.size,
        sha256: stored.sha256,
        changeSummary,
        addedBy: principal.userId,
      },
      expectedRevision,
    );
  }

  /** Approval of a version; the information security policy needs top management (5.2). */
  async approveVersion(
    principal: Principal,
    documentId: string,
    version: number,
    input: { reason: string; nextReviewDue?: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const document = await this.lookups.document(tenantId, documentId);
    const target = { orgUnitId: document.orgUnitId };
    let allowed = await this.context.access.assertCan(
      principal,
      'governance:document:approve',
      target,
    );
    if (document.mandatoryTypes.includes('information-security-policy')) {
      allowed = await this.context.access.assertCan(principal, 'governance:policy:approve', target);
    }
    const approverRole = allowed.role ?? 'ciso';
    return this.execute(
      principal,
      tenantId,
      documentId,
      {
        type: 'ApproveDocumentVersion',
        version,
        approvedBy: principal.userId,
        approverRole,
        reason: input.reason,
        at: this.context.now(),
        ...(input.nextReviewDue ? { nextReviewDue: input.nextReviewDue } : {}),
      },
      expectedRevision,
      { reason: input.reason, role: approverRole },
    );
  }

  async review(
    principal: Principal,
    documentId: string,
    input: { notes: string; nextReviewDue?: string },
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const document = await this.lookups.document(tenantId, documentId);
    await this.context.access.assertCan(principal, 'governance:document:approve', {
      orgUnitId: document.orgUnitId,
    });
    return this.execute(
      principal,
      tenantId,
      documentId,
      {
        type: 'ReviewDocument',
        reviewedBy: principal.userId,
        notes: input.notes,
        at: this.context.now(),
        ...(input.nextReviewDue ? { nextReviewDue: input.nextReviewDue } : {}),
      },
      expectedRevision,
    );
  }

  async withdraw(
    principal: Principal,
    documentId: string,
    reason: string,
    expectedRevision?: number,
  ) {
    const tenantId = tenantOf(principal);
    const document = await this.lookups.document(tenantId, documentId);
    await this.context.access.assertCan(principal, 'governance:document:manage', {
      orgUnitId: document.orgUnitId,
    });
    return this.execute(
      principal,
      tenantId,
      documentId,
      { type: 'WithdrawDocument', reason, at: this.context.now() },
      expectedRevision,
      { reason },
    );
  }

  async get(principal: Principal, documentId: string, asOf?: AsOf) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([DOCUMENTS_PROJECTION], asOf, tenantId);
    const document = await this.lookups.document(tenantId, documentId, from);
    await this.context.access.assertCan(principal, 'read', {
      orgUnitId: document.orgUnitId,
      scopeIds: document.scopeIds,
    });
    return { document: publicView(document), revision: document._revision ?? 0 };
  }

  /** The stored bytes of a version, checked against the SHA-256 the event recorded. */
  async content(principal: Principal, documentId: string, version: number) {
    const { document } = await this.get(principal, documentId);
    const entry = document.versions.find((v) => v.version === version);
    if (!entry)
      throw new ProblemError(
        404,
        'not-found',
        'Not found',
        `Document ${documentId} has no version ${version}.`,
      );
    const content = await this.contents.get(entry.sha256);
    if (!content || createHash('sha256').update(content).digest('hex') !== entry.sha256) {
      throw new ProblemError(
        500,
        'content-integrity',
        'Stored content does not match its recorded hash',
        `The stored content of version ${version} is missing or altered (expected SHA-256 ${entry.sha256}).`,
      );
    }
    return {
      content,
      fileName: entry.fileName,
      contentType: entry.contentType,
      sha256: entry.sha256,
    };
  }

  async list(
    principal: Principal,
    query: {
      limit: number;
      cursor?: string;
      mandatoryType?: MandatoryDocumentType;
      scopeId?: string;
      status?: 'active' | 'withdrawn';
      reviewDueBefore?: string;
      asOf?: AsOf;
    },
  ) {
    const tenantId = tenantOf(principal);
    const from = await this.lookups.asOf([DOCUMENTS_PROJECTION], query.asOf, tenantId);
    const visible = this.context.access.visibleOrgUnitIds(principal);
    const granted = this.context.access.grantedScopeIds(principal);
    const conditions: Record<string, unknown>[] = [
      { tenantId },
      granted.length > 0
        ? { $or: [{ orgUnitId: { $in: visible } }, { scopeIds: { $in: granted } }] }
        : { orgUnitId: { $in: visible } },
    ];
    if (query.mandatoryType) conditions.push({ mandatoryTypes: query.mandatoryType });
    if (query.scopeId) conditions.push({ scopeIds: query.scopeId });
    if (query.status) conditions.push({ status: query.status });
    if (query.reviewDueBefore) conditions.push({ nextReviewDue: { $lt: query.reviewDueBefore } });
    const page = await paginate(
      from.collection<DocumentView>(Collections.Documents),
      { $and: conditions },
      { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
    );
    return { ...page, items: page.items.map((d) => publicView(d)) };
  }

  private async assertOwner(tenantId: string, personId: string, field: string) {
    const owner = await this.lookups.readStore
      .collection<{ tenantId: string; kind: string; status: string }>(Collections.People)
      .get(personId);
    if (
      !owner ||
      owner.tenantId !== tenantId ||
      owner.kind !== 'member' ||
      owner.status !== 'active'
    ) {
      throw new DomainRuleViolation(
        'document-owner-unknown',
        `The owner ${personId} is not an active member of this tenant.`,
        {
          field,
        },
      );
    }
  }

  private async assertScopes(tenantId: string, scopeIds: readonly string[]) {
    for (const [i, scopeId] of scopeIds.entries()) {
      const scope = this.context.access.directory.scope(scopeId);
      if (!scope || scope.tenantId !== tenantId) {
        throw new DomainRuleViolation(
          'document-scope-unknown',
          `ISMS scope ${scopeId} does not exist in this tenant.`,
          {
            field: `scopeIds.${i}`,
          },
        );
      }
    }
  }

  private async execute(
    principal: Principal,
    tenantId: string,
    documentId: string,
    command: ControlledDocumentCommand,
    expectedRevision?: number,
    metadata: { reason?: string; role?: string } = {},
  ) {
    const result = await this.context.execute(
      { tenantId, streamId: documentId, streamType: GovernanceStreamTypes.ControlledDocument },
      controlledDocument,
      command,
      this.context.metadata(principal, metadata),
      expectedRevision,
    );
    const document = await this.lookups.document(tenantId, documentId);
    return { document: publicView(document), revision: result.nextExpectedRevision };
  }
}
