import { deciderSpec } from '@isms/event-sourcing/testing';
import { RiskEventTypes as T } from '@isms/contracts';
import { asset } from './asset.js';
import type { RegisterAsset } from './commands.js';
import type { AssetEvent } from './events.js';

const spec = deciderSpec(asset);

const registration: RegisterAsset = {
  type: 'RegisterAsset',
  assetId: 'asset-crm',
  name: 'Customer CRM',
  description: 'Customer master data and contracts',
  assetType: 'information',
  ownerPersonId: 'person-sales-head',
  orgUnitId: 'ou-fr',
  classification: 'confidential',
  requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
};
const { type: _type, ...registeredData } = registration;
const registered: AssetEvent = { type: T.AssetRegistered, data: registeredData };
const retired: AssetEvent = {
  type: T.AssetRetired,
  data: { assetId: 'asset-crm', reason: 'Replaced', retiredAt: '2026-05-01T00:00:00.000Z' },
};

describe('asset inventory', () => {
  it('registers an asset with owner, org unit, classification and C/I/A requirements', () => {
    spec.given([]).when(registration).then([registered]);
  });

  it('asset-already-registered: an asset is registered once', () => {
    spec.given([registered]).when(registration).thenRejects('asset-already-registered');
  });

  it('asset-needs-name: an asset has a name', () => {
    spec
      .given([])
      .when({ ...registration, name: ' ' })
      .thenRejects('asset-needs-name');
  });

  it('asset-needs-owner: every asset has an owner', () => {
    spec
      .given([])
      .when({ ...registration, ownerPersonId: '' })
      .thenRejects('asset-needs-owner');
  });

  it('records only the fields an update really changes', () => {
    spec
      .given([registered])
      .when({
        type: 'UpdateAsset',
        name: 'Customer CRM',
        classification: 'restricted',
        requirements: { confidentiality: 'very-high', integrity: 'high', availability: 'medium' },
      })
      .then([
        {
          type: T.AssetUpdated,
          data: {
            assetId: 'asset-crm',
            classification: 'restricted',
            requirements: {
              confidentiality: 'very-high',
              integrity: 'high',
              availability: 'medium',
            },
          },
        },
      ]);
  });

  it('an update that changes nothing records nothing', () => {
    spec.given([registered]).when({ type: 'UpdateAsset', name: 'Customer CRM' }).then([]);
  });

  it('retirement-needs-reason: an asset leaves the inventory with a reason', () => {
    spec
      .given([registered])
      .when({ type: 'RetireAsset', reason: '', at: '2026-05-01T00:00:00.000Z' })
      .thenRejects('retirement-needs-reason');
  });

  it('asset-retired: a retired asset is kept for history and cannot change', () => {
    spec
      .given([registered, retired])
      .when({ type: 'UpdateAsset', name: 'x' })
      .thenRejects('asset-retired');
    spec
      .given([registered, retired])
      .when({ type: 'RetireAsset', reason: 'again', at: '2026-05-02T00:00:00.000Z' })
      .thenRejects('asset-retired');
  });

  it('asset-unknown: only a registered asset can change', () => {
    spec.given([]).when({ type: 'UpdateAsset', name: 'x' }).thenRejects('asset-unknown');
  });
});
