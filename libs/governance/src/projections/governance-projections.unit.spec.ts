import type { EventMetadata, RecordedEvent } from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import type { GovernanceEvent } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { accessLogProjection } from './access-log/access-log.projection.js';
import { documentsProjection } from './documents/documents.projection.js';
import { nestTree, orgUnitsProjection } from './org-units/org-units.projection.js';
import { peopleProjection } from './people/people.projection.js';
import type { DocumentView, OrgUnitView, PersonView, ScopeView } from './read-models.js';
import { Collections } from './read-models.js';
import { scopesProjection } from './scopes/scopes.projection.js';

const metadata: EventMetadata = {
  actor: { userId: 'person-gina', role: 'group-admin' },
  correlationId: 'spec',
  occurredAt: '2026-03-01T09:00:00.000Z',
};

/** Records events of one stream with increasing revisions and positions. */
function stream(streamId: string, streamType: string, tenantId = 'tenant-acme') {
  let revision = 0;
  return (event: GovernanceEvent, recordedAt = '2026-03-01T09:00:00.000Z'): RecordedEvent => {
    revision += 1;
    position += 1;
    return {
      ...event,
      eventId: `00000000-0000-7000-8000-${String(position).padStart(12, '0')}`,
      tenantId,
      streamId,
      streamType,
      streamRevision: revision,
      globalPosition: position,
      schemaVersion: 1,
      metadata,
      recordedAt,
      previousHash: null,
      hash: 'h',
    };
  };
}
let position = 0;
let readStore: ReadStore;
beforeEach(() => {
  readStore = new InMemoryReadStore();
});

const created = (
  orgUnitId: string,
  parentId: string | null,
  kind: 'group' | 'subsidiary' | 'site' | 'department',
  name: string,
): GovernanceEvent => ({
  type: T.OrgUnitCreated,
  data: { orgUnitId, parentId, kind, name },
});

describe('org units read model', () => {
  it('keeps each unit’s path from the root, and moves the whole subtree with its unit', async () => {
    const projection = orgUnitsProjection(readStore);
    const tree = stream('org-structure-acme', 'org-structure');
    const events = [
      tree(created('ou-root', null, 'group', 'Acme Group')),
      tree(created('ou-fr', 'ou-root', 'subsidiary', 'Acme France')),
      tree(created('ou-lyon', 'ou-fr', 'site', 'Lyon')),
      tree(created('ou-lab', 'ou-lyon', 'department', 'R&D Lab')),
      tree(created('ou-de', 'ou-root', 'subsidiary', 'Acme Germany')),
      tree(
        {
          type: T.OrgUnitMoved,
          data: { orgUnitId: 'ou-lyon', previousParentId: 'ou-fr', parentId: 'ou-de' },
        },
        '2026-03-02T09:00:00.000Z',
      ),
    ];
    for (const event of events) await projection.apply(event);
    const units = readStore.collection<OrgUnitView>(Collections.OrgUnits);
    expect(await units.get('ou-lab')).toMatchObject({
      path: ['ou-root', 'ou-de', 'ou-lyon', 'ou-lab'],
      depth: 3,
      parentId: 'ou-lyon',
    });
    expect(await units.get('ou-lyon')).toMatchObject({
      parentId: 'ou-de',
      path: ['ou-root', 'ou-de', 'ou-lyon'],
      history: [
        { change: 'created', to: 'Lyon', at: '2026-03-01T09:00:00.000Z', by: 'person-gina' },
        {
          change: 'moved',
          from: 'ou-fr',
          to: 'ou-de',
          at: '2026-03-02T09:00:00.000Z',
          by: 'person-gina',
        },
      ],
    });
    expect((await units.find({ path: 'ou-de' })).map((u) => u._id).sort()).toEqual([
      'ou-de',
      'ou-lab',
      'ou-lyon',
    ]);
    const roots = nestTree(await units.find({}));
    expect(roots[0]!.children.map((c) => c.name)).toEqual(['Acme France', 'Acme Germany']);
  });

  it('applies a redelivered event once (guarded per document by the stream revision)', async () => {
    const projection = orgUnitsProjection(readStore);
    const tree = stream('org-structure-acme', 'org-structure');
    const root = tree(created('ou-root', null, 'group', 'Acme Group'));
    const renamed = tree({
      type: T.OrgUnitRenamed,
      data: { orgUnitId: 'ou-root', previousName: 'Acme Group', name: 'Acme Holding' },
    });
    for (const event of [root, renamed, renamed, root]) await projection.apply(event);
    const unit = await readStore.collection<OrgUnitView>(Collections.OrgUnits).get('ou-root');
    expect(unit).toMatchObject({ name: 'Acme Holding' });
    expect(unit!.history.map((h) => h.change)).toEqual(['created', 'renamed']);
  });

  it('marks closed units and keeps the reason in their history', async () => {
    const projection = orgUnitsProjection(readStore);
    const tree = stream('org-structure-acme', 'org-structure');
    await projection.apply(tree(created('ou-root', null, 'group', 'Acme Group')));
    await projection.apply(tree(created('ou-de', 'ou-root', 'subsidiary', 'Acme Germany')));
    await projection.apply(
      tree({
        type: T.OrgUnitClosed,
        data: { orgUnitId: 'ou-de', reason: 'sold', closedAt: '2026-04-01T00:00:00.000Z' },
      }),
    );
    expect(
      await readStore.collection<OrgUnitView>(Collections.OrgUnits).get('ou-de'),
    ).toMatchObject({
      status: 'closed',
      closedAt: '2026-04-01T00:00:00.000Z',
      history: [{ change: 'created' }, { change: 'closed', reason: 'sold' }],
    });
  });
});

describe('people read model', () => {
  it('keeps the current role bindings and the deactivation', async () => {
    const projection = peopleProjection(readStore);
    const alice = stream('person-alice', 'person');
    await projection.apply(
      alice({
        type: T.PersonRegistered,
        data: {
          personId: 'person-alice',
          displayName: 'Alice',
          email: 'alice@acme.example',
          kind: 'member',
          homeOrgUnitId: 'ou-fr',
        },
      }),
    );
    await projection.apply(
      alice({
        type: T.RoleBound,
        data: { personId: 'person-alice', bindingId: 'rb-1', role: 'ciso', orgUnitId: 'ou-fr' },
      }),
    );
    await projection.apply(
      alice({
        type: T.RoleBound,
        data: { personId: 'person-alice', bindingId: 'rb-2', role: 'viewer', orgUnitId: 'ou-root' },
      }),
    );
    await projection.apply(
      alice({
        type: T.RoleUnbound,
        data: {
          personId: 'person-alice',
          bindingId: 'rb-1',
          role: 'ciso',
          orgUnitId: 'ou-fr',
          reason: 'x',
        },
      }),
    );
    const person = await readStore.collection<PersonView>(Collections.People).get('person-alice');
    expect(person).toMatchObject({
      status: 'active',
      roleBindings: [{ bindingId: 'rb-2', role: 'viewer', boundBy: 'person-gina' }],
    });
    await projection.apply(
      alice({ type: T.PersonDeactivated, data: { personId: 'person-alice', reason: 'left' } }),
    );
    expect(
      await readStore.collection<PersonView>(Collections.People).get('person-alice'),
    ).toMatchObject({ status: 'deactivated' });
  });
});

describe('scopes read model', () => {
  it('keeps the draft, the version in force, and the log of approvals and revisions', async () => {
    const projection = scopesProjection(readStore);
    const scope = stream('isms-scope-1', 'isms-scope');
    const definition = {
      name: 'Acme France ISMS',
      description: '',
      ownerOrgUnitId: 'ou-fr',
      includedOrgUnitIds: ['ou-fr'],
      locations: [],
      exclusions: [],
      interfacesAndDependencies: [],
      internalIssues: [],
      externalIssues: [],
      interestedParties: [],
    };
    const wider = { ...definition, includedOrgUnitIds: ['ou-fr', 'ou-fr-2'] };
    await projection.apply(
      scope({
        type: T.IsmsScopeDrafted,
        data: { scopeId: 'isms-scope-1', version: 1, definition },
      }),
    );
    await projection.apply(
      scope({
        type: T.IsmsScopeApproved,
        data: {
          scopeId: 'isms-scope-1',
          version: 1,
          approvedBy: 'person-ciso',
          approverRole: 'ciso',
          reason: 'MR 2026-03',
          approvedAt: '2026-03-01T10:00:00.000Z',
        },
      }),
    );
    await projection.apply(
      scope({
        type: T.IsmsScopeRevised,
        data: {
          scopeId: 'isms-scope-1',
          version: 2,
          definition: wider,
          changeSummary: 'second subsidiary',
        },
      }),
    );
    const view = await readStore.collection<ScopeView>(Collections.Scopes).get('isms-scope-1');
    expect(view).toMatchObject({
      status: 'draft',
      version: 2,
      approvedVersion: 1,
      approvedDefinition: definition,
      definition: wider,
      approvals: [
        { version: 1, approvedBy: 'person-ciso', approverRole: 'ciso', reason: 'MR 2026-03' },
      ],
      revisions: [{ version: 2, changeSummary: 'second subsidiary' }],
      _revision: 3,
    });
  });
});

describe('documents read model', () => {
  it('keeps versions with their hash, the approval of the version in force, and the next review', async () => {
    const projection = documentsProjection(readStore);
    const document = stream('document-1', 'controlled-document');
    await projection.apply(
      document({
        type: T.DocumentRegistered,
        data: {
          documentId: 'document-1',
          title: 'Policy',
          documentType: 'policy',
          ownerPersonId: 'person-ciso',
          orgUnitId: 'ou-fr',
          mandatoryTypes: ['information-security-policy'],
          scopeIds: [],
          reviewIntervalMonths: 12,
        },
      }),
    );
    await projection.apply(
      document({
        type: T.DocumentVersionAdded,
        data: {
          documentId: 'document-1',
          version: 1,
          fileName: 'p.pdf',
          contentType: 'application/pdf',
          size: 10,
          sha256: 'a'.repeat(64),
          changeSummary: 'v1',
          addedBy: 'person-ciso',
        },
      }),
    );
    await projection.apply(
      document({
        type: T.DocumentVersionApproved,
        data: {
          documentId: 'document-1',
          version: 1,
          approvedBy: 'person-ceo',
          approverRole: 'group-admin',
          reason: 'board',
          approvedAt: '2026-03-01T10:00:00.000Z',
          nextReviewDue: '2027-03-01',
        },
      }),
    );
    await projection.apply(
      document({
        type: T.DocumentDetailsChanged,
        data: { documentId: 'document-1', ownerPersonId: 'person-isms' },
      }),
    );
    const view = await readStore.collection<DocumentView>(Collections.Documents).get('document-1');
    expect(view).toMatchObject({
      ownerPersonId: 'person-isms',
      versionInForce: 1,
      nextReviewDue: '2027-03-01',
      versions: [
        {
          version: 1,
          sha256: 'a'.repeat(64),
          approval: { approvedBy: 'person-ceo', approverRole: 'group-admin' },
        },
      ],
    });
    const due = await readStore
      .collection<DocumentView>(Collections.Documents)
      .find({ nextReviewDue: { $lt: '2027-04-01' } });
    expect(due.map((d) => d._id)).toEqual(['document-1']);
  });
});

describe('access log read model', () => {
  it('one entry per recorded access, in log order, findable by grant', async () => {
    const projection = accessLogProjection(readStore);
    const log = stream('access-log-acme', 'access-log');
    const entry = (entryId: string, outcome: 'allowed' | 'denied') =>
      log({
        type: T.AccessRecorded,
        data: {
          entryId,
          personId: 'person-eve',
          principalKind: 'external-auditor',
          grantIds: ['grant-1'],
          scopeIds: ['scope-fr'],
          orgUnitIds: ['ou-fr'],
          method: 'GET',
          path: '/api/scopes/scope-fr',
          outcome,
          status: outcome === 'allowed' ? 200 : 403,
          at: '2026-05-04T08:00:00.000Z',
        },
      });
    await projection.apply(entry('e-1', 'allowed'));
    await projection.apply(entry('e-2', 'denied'));
    await projection.apply(
      log({
        type: T.AccessTokenIssued,
        data: { tokenId: 't', personId: 'person-eve', issuedBy: 'p', expiresAt: 'x', at: 'y' },
      }),
    );
    const entries = await readStore
      .collection(Collections.AccessLog)
      .find({ grantIds: 'grant-1' }, { sort: { position: 1 } });
    expect(entries.map((e) => [e._id, e['outcome']])).toEqual([
      ['e-1', 'allowed'],
      ['e-2', 'denied'],
    ]);
  });

  it('entries gathered from several services’ stores are in the order they were recorded, each saying which service served it', async () => {
    const projection = accessLogProjection(readStore);
    /** An entry as a service's own store recorded it: positions of different stores overlap. */
    const served = (
      service: string,
      entryId: string,
      globalPosition: number,
      recordedAt: string,
    ): RecordedEvent => ({
      type: T.AccessRecorded,
      data: {
        entryId,
        personId: 'person-eve',
        principalKind: 'external-auditor',
        grantIds: ['grant-1'],
        scopeIds: ['scope-fr'],
        orgUnitIds: ['ou-fr'],
        method: 'GET',
        path: `/api/${service}`,
        outcome: 'allowed',
        status: 200,
        servedBy: service,
        at: recordedAt,
      },
      eventId: `00000000-0000-7000-8000-${entryId.padStart(12, '0')}`,
      tenantId: 'tenant-acme',
      streamId: `access-log-acme-${service}`,
      streamType: 'access-log',
      streamRevision: globalPosition,
      globalPosition,
      schemaVersion: 1,
      metadata,
      recordedAt,
      previousHash: null,
      hash: 'h',
    });
    await projection.apply(served('risk', '1', 7, '2026-05-04T08:00:02.000Z'));
    await projection.apply(served('reporting', '2', 1, '2026-05-04T08:00:03.000Z'));
    await projection.apply(served('risk', '3', 8, '2026-05-04T08:00:04.000Z'));
    await projection.apply(served('reporting', '4', 2, '2026-05-04T08:00:01.000Z'));
    const entries = await readStore
      .collection(Collections.AccessLog)
      .find({ grantIds: 'grant-1' }, { sort: { sortKey: 1 } });
    expect(entries.map((e) => [e._id, e['servedBy']])).toEqual([
      ['4', 'reporting'],
      ['1', 'risk'],
      ['2', 'reporting'],
      ['3', 'risk'],
    ]);
  });
});
