/**
 * Published events of the governance context (ISO/IEC 27001 clauses 4, 5, 7.2, 7.5): the group
 * structure, people and their role bindings, ISMS scopes, the document register, access grants
 * for certification bodies and the access log. Other contexts (and `@isms/auth`, which builds
 * its access directory from them) may consume exactly these shapes.
 *
 * Stored event `type` = `governance.<EventName>`, `schemaVersion` 1; the versioned integration
 * name is `<type>.v<schemaVersion>` (see `integrationEventName`). Stream ids are
 * `<streamType>-<uuidv7>`. Instants are ISO 8601 strings (UTC); dates are `YYYY-MM-DD`.
 */

/** Stream types of the governance context. */
export const GovernanceStreamTypes = {
  /** One stream per tenant: the tenant itself and its whole org-unit tree (one consistency boundary). */
  OrgStructure: 'org-structure',
  Person: 'person',
  IsmsScope: 'isms-scope',
  ControlledDocument: 'controlled-document',
  AccessGrant: 'access-grant',
  /** Platform-level administrators (tenant `platform`), not members of any tenant. */
  PlatformAdministrator: 'platform-administrator',
  /** One stream per tenant: reads by external auditors, denied requests, issued tokens. */
  AccessLog: 'access-log',
} as const;
export type GovernanceStreamType =
  (typeof GovernanceStreamTypes)[keyof typeof GovernanceStreamTypes];

/** Tenant ids are `tenant-<uuidv7>`; per-tenant streams reuse the uuid. */
function tenantKey(tenantId: string): string {
  return tenantId.startsWith('tenant-') ? tenantId.slice('tenant-'.length) : tenantId;
}

/** The stream holding a tenant and its org-unit tree. */
export function orgStructureStreamId(tenantId: string): string {
  return `${GovernanceStreamTypes.OrgStructure}-${tenantKey(tenantId)}`;
}

/**
 * The stream holding a tenant's access log, as one event store records it. Where every context
 * runs as a service, each records the reads and denials it served in its own store, under
 * `recordedBy` (its context): `access-log-<tenant>-<context>`, so that the streams stay distinct
 * when governance gathers them from every topic. The embedded platform (one store) passes none.
 */
export function accessLogStreamId(tenantId: string, recordedBy?: string): string {
  const stream = `${GovernanceStreamTypes.AccessLog}-${tenantKey(tenantId)}`;
  if (recordedBy === undefined) return stream;
  if (!/^[a-z][a-z0-9]{0,30}$/.test(recordedBy)) {
    throw new RangeError(`recordedBy must be a context name (a-z, 0-9), not "${recordedBy}"`);
  }
  return `${stream}-${recordedBy}`;
}

/** The tenant id under which platform-level streams (platform administrators) are stored. */
export const PLATFORM_TENANT_ID = 'platform';

export const GovernanceEventTypes = {
  TenantEstablished: 'governance.TenantEstablished',
  OrgUnitCreated: 'governance.OrgUnitCreated',
  OrgUnitRenamed: 'governance.OrgUnitRenamed',
  OrgUnitMoved: 'governance.OrgUnitMoved',
  OrgUnitClosed: 'governance.OrgUnitClosed',

  PersonRegistered: 'governance.PersonRegistered',
  PersonDeactivated: 'governance.PersonDeactivated',
  RoleBound: 'governance.RoleBound',
  RoleUnbound: 'governance.RoleUnbound',

  IsmsScopeDrafted: 'governance.IsmsScopeDrafted',
  IsmsScopeRevised: 'governance.IsmsScopeRevised',
  IsmsScopeApproved: 'governance.IsmsScopeApproved',

  DocumentRegistered: 'governance.DocumentRegistered',
  DocumentDetailsChanged: 'governance.DocumentDetailsChanged',
  DocumentVersionAdded: 'governance.DocumentVersionAdded',
  DocumentVersionApproved: 'governance.DocumentVersionApproved',
  DocumentReviewed: 'governance.DocumentReviewed',
  DocumentWithdrawn: 'governance.DocumentWithdrawn',

  AccessGranted: 'governance.AccessGranted',
  AccessGrantRevoked: 'governance.AccessGrantRevoked',

  PlatformAdministratorEnrolled: 'governance.PlatformAdministratorEnrolled',
  PlatformSetupCodeRedeemed: 'governance.PlatformSetupCodeRedeemed',

  AccessRecorded: 'governance.AccessRecorded',
  AccessTokenIssued: 'governance.AccessTokenIssued',
} as const;
export type GovernanceEventType = (typeof GovernanceEventTypes)[keyof typeof GovernanceEventTypes];

/** `governance.IsmsScopeApproved` + 1 → `governance.IsmsScopeApproved.v1`. */
export function integrationEventName(type: string, schemaVersion = 1): string {
  return `${type}.v${schemaVersion}`;
}

// ─── Group structure ────────────────────────────────────────────────────────────────────────

/**
 * `group`: the enterprise group itself, the root of a tenant's tree (one per tenant).
 * `subsidiary`: a legal entity. `site`: a location. `department`: an organisational unit.
 */
export const ORG_UNIT_KINDS = ['group', 'subsidiary', 'site', 'department'] as const;
export type OrgUnitKind = (typeof ORG_UNIT_KINDS)[number];

export interface TenantEstablishedV1 {
  readonly tenantId: string;
  readonly name: string;
  readonly rootOrgUnitId: string;
}

export interface OrgUnitCreatedV1 {
  readonly orgUnitId: string;
  /** Null only for the group root. */
  readonly parentId: string | null;
  readonly kind: OrgUnitKind;
  readonly name: string;
  /** ISO 3166-1 alpha-2, e.g. `DE` (subsidiaries and sites). */
  readonly country?: string;
  /** Free-text location, e.g. a site's address. */
  readonly location?: string;
}

export interface OrgUnitRenamedV1 {
  readonly orgUnitId: string;
  readonly previousName: string;
  readonly name: string;
}

export interface OrgUnitMovedV1 {
  readonly orgUnitId: string;
  readonly previousParentId: string;
  readonly parentId: string;
}

export interface OrgUnitClosedV1 {
  readonly orgUnitId: string;
  readonly reason: string;
  readonly closedAt: string;
}

// ─── People and roles ───────────────────────────────────────────────────────────────────────

/**
 * Roles bound to an org-unit subtree. `external-auditor` is never bound: a certification
 * body's auditor reads through an access grant (scope, window, read-only) instead.
 */
export const ROLES = [
  'group-admin',
  'ciso',
  'isms-manager',
  'risk-owner',
  'control-owner',
  'internal-auditor',
  'viewer',
  'external-auditor',
] as const;
export type Role = (typeof ROLES)[number];

/** `member`: staff of the group. `external-auditor`: an auditor of a certification body. */
export const PERSON_KINDS = ['member', 'external-auditor'] as const;
export type PersonKind = (typeof PERSON_KINDS)[number];

export interface PersonRegisteredV1 {
  readonly personId: string;
  readonly displayName: string;
  readonly email: string;
  readonly kind: PersonKind;
  /** The org unit the person belongs to; who may manage them and see them follows from it. */
  readonly homeOrgUnitId: string;
  /** For external auditors: their certification body. */
  readonly certificationBody?: string;
  /** The `sub` of the person's tokens from an OIDC provider (server mode), if not the person id. */
  readonly identitySubject?: string;
}

export interface PersonDeactivatedV1 {
  readonly personId: string;
  readonly reason: string;
}

export interface RoleBoundV1 {
  readonly personId: string;
  readonly bindingId: string;
  readonly role: Role;
  /** The binding covers this org unit and every unit below it. */
  readonly orgUnitId: string;
}

export interface RoleUnboundV1 {
  readonly personId: string;
  readonly bindingId: string;
  readonly role: Role;
  readonly orgUnitId: string;
  readonly reason: string;
}

// ─── ISMS scopes (4.1, 4.2, 4.3) ────────────────────────────────────────────────────────────

export interface ScopeExclusion {
  /** What is excluded, e.g. "R&D lab in Lyon". */
  readonly description: string;
  /** If the exclusion is an org unit of the tree: that unit and its subtree are out of scope. */
  readonly orgUnitId?: string;
  readonly justification: string;
}

export interface ScopeInterface {
  readonly description: string;
  /** `interface`: where the ISMS meets something outside it; `dependency`: what it relies on. */
  readonly kind: 'interface' | 'dependency';
  /** The other party, e.g. "Group IT shared services" or a cloud provider. */
  readonly party?: string;
}

export interface ContextIssue {
  readonly description: string;
}

export interface InterestedParty {
  readonly name: string;
  readonly requirements: readonly string[];
}

export interface IsmsScopeDefinition {
  readonly name: string;
  readonly description: string;
  /** The org unit whose ISMS this is; who may manage and approve the scope follows from it. */
  readonly ownerOrgUnitId: string;
  /** In scope: each unit with its subtree (minus exclusions with an org unit). */
  readonly includedOrgUnitIds: readonly string[];
  readonly locations: readonly string[];
  readonly exclusions: readonly ScopeExclusion[];
  readonly interfacesAndDependencies: readonly ScopeInterface[];
  readonly internalIssues: readonly ContextIssue[];
  readonly externalIssues: readonly ContextIssue[];
  readonly interestedParties: readonly InterestedParty[];
}

export interface IsmsScopeDraftedV1 {
  readonly scopeId: string;
  readonly version: number;
  readonly definition: IsmsScopeDefinition;
}

export interface IsmsScopeRevisedV1 {
  readonly scopeId: string;
  /** The version now in draft (the approved version + 1, or the same draft edited again). */
  readonly version: number;
  readonly definition: IsmsScopeDefinition;
  readonly changeSummary: string;
}

/** Top management's decision: who approved which version, and why. */
export interface IsmsScopeApprovedV1 {
  readonly scopeId: string;
  readonly version: number;
  readonly approvedBy: string;
  readonly approverRole: Role;
  readonly reason: string;
  readonly approvedAt: string;
}

// ─── Document register (5.2, 7.5) ───────────────────────────────────────────────────────────

/** The mandatory documented information for certification (DOMAIN.md), by stable id. */
export const MANDATORY_DOCUMENT_TYPES = [
  'isms-scope', // 4.3
  'information-security-policy', // 5.2
  'risk-assessment-process', // 6.1.2
  'risk-treatment-process', // 6.1.3
  'information-security-objectives', // 6.2
  'evidence-of-competence', // 7.2
  'documents-deemed-necessary', // 7.5.1 b
  'operational-planning-and-control', // 8.1
  'risk-assessment-results', // 8.2
  'risk-treatment-decisions', // 8.3
  'monitoring-and-measurement-evidence', // 9.1
  'internal-audit-programme-and-results', // 9.2
  'management-review-evidence', // 9.3
  'nonconformities-and-corrective-actions', // 10.2 (2022)
  'annex-a-control-documents', // documents Annex A controls mention
] as const;
export type MandatoryDocumentType = (typeof MANDATORY_DOCUMENT_TYPES)[number];

/** The clause each mandatory type answers, for readiness reports. */
export const MANDATORY_DOCUMENT_CLAUSES: Readonly<Record<MandatoryDocumentType, string>> = {
  'isms-scope': '4.3',
  'information-security-policy': '5.2',
  'risk-assessment-process': '6.1.2',
  'risk-treatment-process': '6.1.3',
  'information-security-objectives': '6.2',
  'evidence-of-competence': '7.2',
  'documents-deemed-necessary': '7.5.1 b',
  'operational-planning-and-control': '8.1',
  'risk-assessment-results': '8.2',
  'risk-treatment-decisions': '8.3',
  'monitoring-and-measurement-evidence': '9.1',
  'internal-audit-programme-and-results': '9.2',
  'management-review-evidence': '9.3',
  'nonconformities-and-corrective-actions': '10.2',
  'annex-a-control-documents': 'Annex A',
};

export const DOCUMENT_TYPES = [
  'policy',
  'procedure',
  'standard',
  'plan',
  'record',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export interface DocumentRegisteredV1 {
  readonly documentId: string;
  readonly title: string;
  readonly documentType: DocumentType;
  readonly ownerPersonId: string;
  /** The org unit the document belongs to (e.g. the group root for a group policy). */
  readonly orgUnitId: string;
  readonly mandatoryTypes: readonly MandatoryDocumentType[];
  /** ISMS scopes the document applies to (a group policy applies to subsidiaries' scopes). */
  readonly scopeIds: readonly string[];
  readonly reviewIntervalMonths: number;
}

/** Only the changed fields are present. */
export interface DocumentDetailsChangedV1 {
  readonly documentId: string;
  readonly title?: string;
  readonly ownerPersonId?: string;
  readonly mandatoryTypes?: readonly MandatoryDocumentType[];
  readonly scopeIds?: readonly string[];
  readonly reviewIntervalMonths?: number;
}

export interface DocumentVersionAddedV1 {
  readonly documentId: string;
  readonly version: number;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  /** SHA-256 (hex) of the content, as stored by the document content store. */
  readonly sha256: string;
  readonly changeSummary: string;
  readonly addedBy: string;
}

export interface DocumentVersionApprovedV1 {
  readonly documentId: string;
  readonly version: number;
  readonly approvedBy: string;
  readonly approverRole: Role;
  readonly reason: string;
  readonly approvedAt: string;
  readonly nextReviewDue: string;
}

export interface DocumentReviewedV1 {
  readonly documentId: string;
  /** The approved version that was reviewed and stays in force. */
  readonly version: number;
  readonly reviewedBy: string;
  readonly notes: string;
  readonly reviewedAt: string;
  readonly nextReviewDue: string;
}

export interface DocumentWithdrawnV1 {
  readonly documentId: string;
  readonly reason: string;
  readonly withdrawnAt: string;
}

// ─── Access grants for certification bodies ─────────────────────────────────────────────────

export interface AccessGrantedV1 {
  readonly grantId: string;
  readonly auditorPersonId: string;
  readonly certificationBody: string;
  readonly scopeId: string;
  /** The window is [validFrom, validUntil): inclusive start, exclusive end. */
  readonly validFrom: string;
  readonly validUntil: string;
  /** Always true: grants never allow writes (findings in an engagement come later, separately). */
  readonly readOnly: true;
  readonly grantedBy: string;
  readonly reason: string;
}

export interface AccessGrantRevokedV1 {
  readonly grantId: string;
  readonly revokedBy: string;
  readonly reason: string;
  readonly revokedAt: string;
}

// ─── Platform administration ────────────────────────────────────────────────────────────────

export interface PlatformAdministratorEnrolledV1 {
  readonly administratorId: string;
  readonly displayName: string;
  /** SHA-256 (hex) of the one-time setup code printed at first start, if one was issued. */
  readonly setupCodeSha256?: string;
}

export interface PlatformSetupCodeRedeemedV1 {
  readonly administratorId: string;
  readonly redeemedAt: string;
}

// ─── Access log ─────────────────────────────────────────────────────────────────────────────

export const PRINCIPAL_KINDS = ['platform-administrator', 'member', 'external-auditor'] as const;
export type PrincipalKind = (typeof PRINCIPAL_KINDS)[number];

/**
 * One request worth keeping: every read by an external auditor (allowed or not), and every
 * denied request of anyone whose tenant is known. Written by `@isms/auth`.
 */
export interface AccessRecordedV1 {
  readonly entryId: string;
  readonly personId: string;
  readonly principalKind: PrincipalKind;
  /** The auditor's grants in force at the time (empty for members). */
  readonly grantIds: readonly string[];
  readonly scopeIds: readonly string[];
  /** The org units the entry is filed under (the grants' scope owners, or the denied target). */
  readonly orgUnitIds: readonly string[];
  readonly method: string;
  readonly path: string;
  readonly outcome: 'allowed' | 'denied';
  readonly status: number;
  /** Why it was denied, e.g. `grant-expired`, `outside-scope`, `read-only`, `outside-subtree`. */
  readonly reason?: string;
  readonly permission?: string;
  /**
   * The service that served the request, where the contexts run as services (each records its
   * own access log); absent when the embedded platform served it.
   */
  readonly servedBy?: string;
  readonly at: string;
}

/** A bearer token issued by the platform itself (embedded mode), for accountability. */
export interface AccessTokenIssuedV1 {
  readonly tokenId: string;
  readonly personId: string;
  readonly issuedBy: string;
  readonly expiresAt: string;
  readonly at: string;
}

/** Every published governance event: its type and data. */
export type GovernanceEvent =
  | {
      readonly type: typeof GovernanceEventTypes.TenantEstablished;
      readonly data: TenantEstablishedV1;
    }
  | { readonly type: typeof GovernanceEventTypes.OrgUnitCreated; readonly data: OrgUnitCreatedV1 }
  | { readonly type: typeof GovernanceEventTypes.OrgUnitRenamed; readonly data: OrgUnitRenamedV1 }
  | { readonly type: typeof GovernanceEventTypes.OrgUnitMoved; readonly data: OrgUnitMovedV1 }
  | { readonly type: typeof GovernanceEventTypes.OrgUnitClosed; readonly data: OrgUnitClosedV1 }
  | {
      readonly type: typeof GovernanceEventTypes.PersonRegistered;
      readonly data: PersonRegisteredV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.PersonDeactivated;
      readonly data: PersonDeactivatedV1;
    }
  | { readonly type: typeof GovernanceEventTypes.RoleBound; readonly data: RoleBoundV1 }
  | { readonly type: typeof GovernanceEventTypes.RoleUnbound; readonly data: RoleUnboundV1 }
  | {
      readonly type: typeof GovernanceEventTypes.IsmsScopeDrafted;
      readonly data: IsmsScopeDraftedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.IsmsScopeRevised;
      readonly data: IsmsScopeRevisedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.IsmsScopeApproved;
      readonly data: IsmsScopeApprovedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentRegistered;
      readonly data: DocumentRegisteredV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentDetailsChanged;
      readonly data: DocumentDetailsChangedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentVersionAdded;
      readonly data: DocumentVersionAddedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentVersionApproved;
      readonly data: DocumentVersionApprovedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentReviewed;
      readonly data: DocumentReviewedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.DocumentWithdrawn;
      readonly data: DocumentWithdrawnV1;
    }
  | { readonly type: typeof GovernanceEventTypes.AccessGranted; readonly data: AccessGrantedV1 }
  | {
      readonly type: typeof GovernanceEventTypes.AccessGrantRevoked;
      readonly data: AccessGrantRevokedV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.PlatformAdministratorEnrolled;
      readonly data: PlatformAdministratorEnrolledV1;
    }
  | {
      readonly type: typeof GovernanceEventTypes.PlatformSetupCodeRedeemed;
      readonly data: PlatformSetupCodeRedeemedV1;
    }
  | { readonly type: typeof GovernanceEventTypes.AccessRecorded; readonly data: AccessRecordedV1 }
  | {
      readonly type: typeof GovernanceEventTypes.AccessTokenIssued;
      readonly data: AccessTokenIssuedV1;
    };

const GOVERNANCE_EVENT_TYPE_SET: ReadonlySet<string> = new Set(Object.values(GovernanceEventTypes));

/** Narrows an event (e.g. a RecordedEvent from the store or the bus) to a governance event. */
export function isGovernanceEvent<E extends { readonly type: string; readonly data: unknown }>(
  event: E,
): event is E & GovernanceEvent {
  return GOVERNANCE_EVENT_TYPE_SET.has(event.type);
}
