import type {
  DocumentType,
  IsmsScopeDefinition,
  MandatoryDocumentType,
  OrgUnitKind,
  PersonKind,
  PrincipalKind,
  Role,
} from '@isms/contracts';

/** Collection names of the governance read models. */
export const Collections = {
  Tenants: 'governance_tenants',
  OrgUnits: 'governance_org_units',
  People: 'governance_people',
  Scopes: 'governance_scopes',
  Documents: 'governance_documents',
  AccessGrants: 'governance_access_grants',
  AccessLog: 'governance_access_log',
} as const;

export interface TenantView {
  readonly tenantId: string;
  readonly name: string;
  readonly rootOrgUnitId: string;
  readonly establishedAt: string;
  readonly establishedBy: string;
}

export interface OrgUnitHistoryEntry {
  readonly at: string;
  readonly change: 'created' | 'renamed' | 'moved' | 'closed';
  readonly by: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
}

export interface OrgUnitView {
  readonly tenantId: string;
  readonly orgUnitId: string;
  readonly parentId: string | null;
  readonly kind: OrgUnitKind;
  readonly name: string;
  readonly country?: string;
  readonly location?: string;
  readonly status: 'open' | 'closed';
  /** Ids from the group root down to this unit. */
  readonly path: readonly string[];
  readonly depth: number;
  readonly createdAt: string;
  readonly closedAt?: string;
  readonly history: readonly OrgUnitHistoryEntry[];
}

export interface PersonView {
  readonly tenantId: string;
  readonly personId: string;
  readonly displayName: string;
  readonly email: string;
  readonly kind: PersonKind;
  readonly homeOrgUnitId: string;
  readonly certificationBody?: string;
  readonly identitySubject?: string;
  readonly status: 'active' | 'deactivated';
  readonly roleBindings: readonly {
    readonly bindingId: string;
    readonly role: Role;
    readonly orgUnitId: string;
    readonly boundAt: string;
    readonly boundBy: string;
  }[];
  readonly registeredAt: string;
  readonly deactivatedAt?: string;
}

export interface ScopeApprovalView {
  readonly version: number;
  readonly approvedBy: string;
  readonly approverRole: Role;
  readonly reason: string;
  readonly approvedAt: string;
}

export interface ScopeView {
  readonly tenantId: string;
  readonly scopeId: string;
  readonly ownerOrgUnitId: string;
  readonly status: 'draft' | 'approved';
  /** The version of `definition` (in draft or approved). */
  readonly version: number;
  readonly definition: IsmsScopeDefinition;
  /** The version in force: the last approved one. */
  readonly approvedVersion?: number;
  readonly approvedDefinition?: IsmsScopeDefinition;
  readonly approvals: readonly ScopeApprovalView[];
  readonly revisions: readonly {
    readonly version: number;
    readonly changeSummary: string;
    readonly at: string;
    readonly by: string;
  }[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface DocumentVersionView {
  readonly version: number;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly changeSummary: string;
  readonly addedBy: string;
  readonly addedAt: string;
  readonly approval?: {
    readonly approvedBy: string;
    readonly approverRole: Role;
    readonly reason: string;
    readonly approvedAt: string;
  };
}

export interface DocumentView {
  readonly tenantId: string;
  readonly documentId: string;
  readonly title: string;
  readonly documentType: DocumentType;
  readonly ownerPersonId: string;
  readonly orgUnitId: string;
  readonly mandatoryTypes: readonly MandatoryDocumentType[];
  readonly scopeIds: readonly string[];
  readonly reviewIntervalMonths: number;
  readonly status: 'active' | 'withdrawn';
  readonly versions: readonly DocumentVersionView[];
  readonly versionInForce?: number;
  readonly nextReviewDue?: string;
  readonly lastReview?: {
    readonly reviewedBy: string;
    readonly notes: string;
    readonly reviewedAt: string;
  };
  readonly withdrawal?: { readonly reason: string; readonly withdrawnAt: string };
  readonly registeredAt: string;
}

export interface AccessGrantView {
  readonly tenantId: string;
  readonly grantId: string;
  readonly auditorPersonId: string;
  readonly certificationBody: string;
  readonly scopeId: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly readOnly: true;
  readonly grantedBy: string;
  readonly reason: string;
  readonly grantedAt: string;
  readonly revocation?: {
    readonly revokedBy: string;
    readonly reason: string;
    readonly revokedAt: string;
  };
}

export interface AccessLogEntryView {
  readonly tenantId: string;
  readonly entryId: string;
  /** Global position of the event in the event store that recorded it. */
  readonly position: number;
  /**
   * The order of the log: recorded-at, then position. In one event store that is the position
   * order; entries gathered from several services' stores interleave by time.
   */
  readonly sortKey: string;
  readonly personId: string;
  readonly principalKind: PrincipalKind;
  readonly grantIds: readonly string[];
  readonly scopeIds: readonly string[];
  readonly orgUnitIds: readonly string[];
  readonly method: string;
  readonly path: string;
  readonly outcome: 'allowed' | 'denied';
  readonly status: number;
  readonly reason?: string;
  readonly permission?: string;
  readonly at: string;
}
