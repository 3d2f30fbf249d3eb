import type { Filter, FindOptions, ReadStore, StoredDocument } from '@isms/read-store';
import { bodyOf } from '../projections/guarded.js';
import type {
  CertificateDoc,
  DecisionDoc,
  DeviationDoc,
  DocumentDoc,
  EngagementDoc,
  FindingDoc,
  EvidenceDoc,
  MethodologyDoc,
  OrgUnitDoc,
  RiskCountersDoc,
  RiskDoc,
  ScopeDoc,
  SoaDoc,
  SoaLineDoc,
  TestPlanDoc,
} from '../projections/read-models.js';
import { ReportingCollections as RC } from '../projections/read-models.js';
import { withoutAttentionFields } from '../projections/risk/risk-counters.js';

/**
 * One tenant's read models in one ReadStore (the live one, or one rebuilt as of a point in
 * history), read with plain finds, plus the instant the report is judged at ("overdue" on that day).
 */
export class ReportData {
  readonly today: string;

  constructor(
    readonly store: ReadStore,
    readonly tenantId: string,
    readonly now: Date,
  ) {
    this.today = now.toISOString().slice(0, 10);
  }

  private async all<T extends object>(
    name: string,
    filter: Filter = {},
    options: FindOptions = {},
  ): Promise<T[]> {
    const found = await this.store
      .collection<T>(name)
      .find({ ...filter, tenantId: this.tenantId }, options);
    return found.map((doc: StoredDocument<T>) => bodyOf(doc));
  }

  orgUnits(): Promise<OrgUnitDoc[]> {
    return this.all<OrgUnitDoc>(RC.OrgUnits);
  }
  scopes(): Promise<ScopeDoc[]> {
    return this.all<ScopeDoc>(RC.Scopes);
  }
  async scope(scopeId: string): Promise<ScopeDoc | undefined> {
    return (await this.all<ScopeDoc>(RC.Scopes, { scopeId }))[0];
  }
  documents(filter: Filter = {}): Promise<DocumentDoc[]> {
    return this.all<DocumentDoc>(RC.Documents, filter);
  }
  methodologies(): Promise<MethodologyDoc[]> {
    return this.all<MethodologyDoc>(RC.Methodologies);
  }
  async risks(filter: Filter = {}, options: FindOptions = {}): Promise<RiskDoc[]> {
    return (await this.all<RiskDoc>(RC.Risks, filter, options)).map(withoutAttentionFields);
  }
  /** Per org unit risk counters (without their revision guards). */
  riskCounters(filter: Filter = {}): Promise<RiskCountersDoc[]> {
    return this.all<RiskCountersDoc>(RC.RiskCounters, filter, { projection: { _streams: 0 } });
  }
  soas(filter: Filter = {}): Promise<SoaDoc[]> {
    return this.all<SoaDoc>(RC.Soas, filter);
  }
  soaLines(filter: Filter = {}): Promise<SoaLineDoc[]> {
    return this.all<SoaLineDoc>(RC.SoaLines, filter);
  }
  testPlans(filter: Filter = {}): Promise<TestPlanDoc[]> {
    return this.all<TestPlanDoc>(RC.TestPlans, filter);
  }
  evidence(filter: Filter = {}): Promise<EvidenceDoc[]> {
    return this.all<EvidenceDoc>(RC.Evidence, filter);
  }
  /**
   * Only the named fields of the matching documents (and no store fields): a group report counts
   * thousands of SoA lines and test plans by a few fields each, and copying the rest (texts,
   * justifications) was most of its time.
   */
  async fieldsOf<T extends object, K extends keyof T & string>(
    name: string,
    fields: readonly K[],
    filter: Filter = {},
  ): Promise<Pick<T, K>[]> {
    const projection: Record<string, 0 | 1> = { _id: 0 };
    for (const field of fields) projection[field] = 1;
    return this.store
      .collection<Pick<T, K>>(name)
      .find({ ...filter, tenantId: this.tenantId }, { projection });
  }
  engagements(filter: Filter = {}): Promise<EngagementDoc[]> {
    return this.all<EngagementDoc>(RC.Engagements, filter);
  }
  deviations(filter: Filter = {}): Promise<DeviationDoc[]> {
    return this.all<DeviationDoc>(RC.Deviations, filter);
  }
  findings(filter: Filter = {}): Promise<FindingDoc[]> {
    return this.all<FindingDoc>(RC.Findings, filter);
  }
  certificates(filter: Filter = {}): Promise<CertificateDoc[]> {
    return this.all<CertificateDoc>(RC.Certificates, filter);
  }
  decisions(filter: Filter = {}): Promise<DecisionDoc[]> {
    return this.all<DecisionDoc>(RC.Decisions, filter);
  }
}
