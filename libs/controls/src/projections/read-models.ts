import type {
  CatalogueControl,
  CatalogueGroup,
  ControlRef,
  ControlTestResult,
  EvidenceType,
  ImplementationStatus,
  InclusionReason,
  InheritedSoaLine,
  SoaLine,
  TestFrequency,
  TestMethod,
} from '@isms/contracts';

/** Collection names of the controls read models. */
export const Collections = {
  Catalogues: 'controls_catalogues',
  Soas: 'controls_soas',
  SoaVersions: 'controls_soa_versions',
  GroupControls: 'controls_group_controls',
  TestPlans: 'controls_test_plans',
  Evidence: 'controls_evidence',
  RiskLinks: 'controls_risk_links',
} as const;

/** An imported catalogue of one tenant. */
export interface CatalogueView {
  readonly tenantId: string;
  readonly catalogueId: string;
  readonly name: string;
  readonly version: string;
  readonly publisher?: string;
  readonly format: 'isms-ledger' | 'oscal';
  readonly orgUnitId: string;
  readonly groups: readonly CatalogueGroup[];
  readonly controls: readonly CatalogueControl[];
  readonly importedBy: string;
  readonly importedAt: string;
  readonly updatedAt: string;
}

export interface SoaApprovalSummary {
  readonly version: number;
  readonly digest: string;
  readonly approvedBy: string;
  readonly approverRole: string;
  readonly reason: string;
  readonly approvedAt: string;
}

/** A scope's SoA as recorded (its own lines; inheritance and links are joined at read time). */
export interface SoaView {
  readonly tenantId: string;
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly lines: readonly (SoaLine & {
    readonly recordedBy: string;
    readonly recordedAt: string;
  })[];
  readonly approved?: SoaApprovalSummary;
  /** Lines changed since the approved version (from the SoA's own events). */
  readonly changedControls: readonly ControlRef[];
  /** Controls a migration left without an answer, until someone records their line. */
  readonly migrationGaps: readonly {
    readonly catalogueId: string;
    readonly controlId: string;
    readonly migratedFrom: string;
    readonly sourceControlIds: readonly string[];
    readonly decisionNeeded: string;
  }[];
  readonly migrations: readonly {
    readonly fromCatalogueId: string;
    readonly toCatalogueId: string;
    readonly migratedBy: string;
    readonly migratedAt: string;
  }[];
  readonly establishedBy: string;
  readonly establishedAt: string;
  readonly updatedAt: string;
}

/** One approved version of an SoA, exactly as approved. */
export interface SoaVersionView extends SoaApprovalSummary {
  readonly tenantId: string;
  readonly soaId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly extensionCatalogueIds: readonly string[];
  readonly lines: readonly SoaLine[];
  readonly inherited: readonly InheritedSoaLine[];
}

export interface GroupControlView {
  readonly tenantId: string;
  readonly groupControlId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly controlKey: string;
  readonly revision: number;
  readonly status: 'active' | 'retired';
  readonly title: string;
  readonly implementationDescription: string;
  readonly inclusionReasons: readonly InclusionReason[];
  readonly justification: string;
  readonly ownerPersonId: string;
  readonly policyDocumentId?: string;
  /** Per org unit (subsidiary, site): its implementation status of the inherited control. */
  readonly statuses: readonly {
    readonly orgUnitId: string;
    readonly implementationStatus: ImplementationStatus;
    readonly note?: string;
    readonly reportedBy: string;
    readonly reportedAt: string;
  }[];
  /** Justified local exceptions. */
  readonly deviations: readonly {
    readonly orgUnitId: string;
    readonly deviation: string;
    readonly reason: string;
    readonly decidedBy: string;
    readonly decidedAt: string;
  }[];
  readonly history: readonly {
    readonly at: string;
    readonly by: string;
    readonly change: string;
  }[];
  readonly definedAt: string;
  readonly updatedAt: string;
}

export interface TestResultEntry {
  readonly result: ControlTestResult;
  readonly testedBy: string;
  readonly testedAt: string;
  readonly notes: string;
}

export interface TestPlanView {
  readonly tenantId: string;
  readonly testPlanId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly catalogueId: string;
  readonly controlId: string;
  readonly controlKey: string;
  readonly frequency: TestFrequency;
  readonly method: TestMethod;
  readonly description: string;
  readonly testerPersonId?: string;
  readonly status: 'active' | 'retired';
  readonly nextDueOn: string;
  readonly lastResult?: TestResultEntry;
  readonly results: readonly TestResultEntry[];
  readonly scheduledAt: string;
  readonly updatedAt: string;
}

export interface EvidenceView {
  readonly tenantId: string;
  readonly evidenceId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly title: string;
  readonly evidenceType: EvidenceType;
  readonly source: string;
  readonly collectedAt: string;
  readonly validUntil?: string;
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly controls: readonly ControlRef[];
  readonly controlKeys: readonly string[];
  readonly status: 'active' | 'withdrawn';
  readonly withdrawnReason?: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
  readonly updatedAt: string;
}

/** A risk of the risk context, as far as controls care: which controls treat or protect it. */
export interface RiskLinkView {
  readonly tenantId: string;
  readonly riskId: string;
  readonly title: string;
  readonly orgUnitId: string;
  readonly scopeId: string;
  readonly status: 'open' | 'closed';
  /** Controls already protecting the asset (from the inherent assessment). */
  readonly existingControls: readonly ControlRef[];
  /** Controls of the treatment plan. */
  readonly treatmentControls: readonly ControlRef[];
  readonly controlKeys: readonly string[];
  readonly updatedAt: string;
}
