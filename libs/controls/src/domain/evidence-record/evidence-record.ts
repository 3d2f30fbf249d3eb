import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { ControlRef } from '@isms/contracts';
import { ControlsEventTypes as T, controlKey } from '@isms/contracts';
import { instant, requireControlIn, requireText } from '../rules.js';
import type { EvidenceCommand, LinkEvidence, RecordEvidence, UnlinkEvidence } from './commands.js';
import type { EvidenceEvent } from './events.js';

/** Largest evidence file accepted (10 MiB). */
export const EVIDENCE_MAX_BYTES = 10 * 1024 * 1024;

/** Content types evidence may have; the upload also checks the bytes match the type. */
export const EVIDENCE_CONTENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'text/plain',
  'text/csv',
  'application/json',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
] as const;

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * A piece of evidence: a stored file (its SHA-256 recorded, so that tampering shows) with where
 * it comes from, when it was collected and until when it proves something, linked to the
 * controls it supports in one scope.
 */
export type EvidenceState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'withdrawn';
      readonly evidenceId: string;
      readonly controls: readonly ControlRef[];
    };

type Defined = Extract<EvidenceState, { status: 'active' | 'withdrawn' }>;

export const evidenceRecord: Decider<EvidenceState, EvidenceCommand, EvidenceEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'RecordEvidence':
        return record(command, state);
      case 'LinkEvidence':
        return link(command, active(state));
      case 'UnlinkEvidence':
        return unlink(command, active(state));
      case 'WithdrawEvidence': {
        const s = active(state);
        requireText(
          command.reason,
          'withdrawal-needs-reason',
          'Say why the evidence is withdrawn (e.g. superseded, collected in error).',
        );
        return [
          {
            type: T.EvidenceWithdrawn,
            data: {
              evidenceId: s.evidenceId,
              reason: command.reason.trim(),
              withdrawnBy: command.by,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.EvidenceRecorded:
        return {
          status: 'active',
          evidenceId: event.data.evidenceId,
          controls: event.data.controls,
        };
      case T.EvidenceLinked: {
        const s = defined(state);
        return { ...s, controls: [...s.controls, event.data.control] };
      }
      case T.EvidenceUnlinked: {
        const s = defined(state);
        const key = controlKey(event.data.control);
        return { ...s, controls: s.controls.filter((c) => controlKey(c) !== key) };
      }
      case T.EvidenceWithdrawn:
        return { ...defined(state), status: 'withdrawn' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function defined(state: EvidenceState): Defined {
  if (state.status === 'none') {
    throw new DomainRuleViolation('evidence-not-found', 'There is no such evidence.');
  }
  return state;
}

function active(state: EvidenceState): Defined {
  const s = defined(state);
  if (s.status === 'withdrawn') {
    throw new DomainRuleViolation(
      'evidence-withdrawn',
      `Evidence ${s.evidenceId} is withdrawn; upload new evidence instead.`,
    );
  }
  return s;
}

function record(command: RecordEvidence, state: EvidenceState): EvidenceEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation('evidence-already-recorded', 'This evidence exists already.');
  }
  requireText(command.title, 'evidence-needs-title', 'Give the evidence a title.');
  requireText(command.source, 'evidence-needs-source', 'Say where the evidence comes from.');
  const { content } = command;
  if (!SHA256.test(content.sha256)) {
    throw new DomainRuleViolation(
      'evidence-needs-sha256',
      'Evidence records the SHA-256 of its content (64 lowercase hex digits).',
    );
  }
  if (content.size <= 0 || content.size > EVIDENCE_MAX_BYTES) {
    throw new DomainRuleViolation(
      'evidence-size-limit',
      `Evidence files hold 1 byte to ${EVIDENCE_MAX_BYTES} bytes; this one has ${content.size}.`,
    );
  }
  if (!(EVIDENCE_CONTENT_TYPES as readonly string[]).includes(content.contentType)) {
    throw new DomainRuleViolation(
      'evidence-content-type',
      `Evidence of type ${content.contentType} is not accepted; use one of ${EVIDENCE_CONTENT_TYPES.join(', ')}.`,
    );
  }
  if (instant(command.collectedAt) > instant(command.at)) {
    throw new DomainRuleViolation(
      'evidence-collected-in-past',
      `Evidence cannot be collected in the future (${command.collectedAt}).`,
    );
  }
  if (
    command.validUntil !== undefined &&
    instant(command.validUntil) <= instant(command.collectedAt)
  ) {
    throw new DomainRuleViolation(
      'evidence-valid-after-collection',
      `Evidence valid until ${command.validUntil} would expire before it was collected (${command.collectedAt}).`,
    );
  }
  if (command.controls.length === 0) {
    throw new DomainRuleViolation(
      'evidence-needs-control',
      'Name at least one control the evidence supports.',
    );
  }
  for (const control of command.controls) {
    requireControlIn(command.catalogues, control.catalogueId, control.controlId);
  }
  return [
    {
      type: T.EvidenceRecorded,
      data: {
        evidenceId: command.evidenceId,
        scopeId: command.scopeId,
        orgUnitId: command.orgUnitId,
        title: command.title.trim(),
        evidenceType: command.evidenceType,
        source: command.source.trim(),
        collectedAt: new Date(command.collectedAt).toISOString(),
        ...(command.validUntil ? { validUntil: command.validUntil } : {}),
        fileName: content.fileName,
        contentType: content.contentType,
        size: content.size,
        sha256: content.sha256,
        controls: command.controls.filter((c, i, all) => {
          const key = controlKey(c);
          return all.findIndex((o) => controlKey(o) === key) === i;
        }),
        recordedBy: command.by,
      },
    },
  ];
}

function link(command: LinkEvidence, s: Defined): EvidenceEvent[] {
  requireControlIn(command.catalogues, command.control.catalogueId, command.control.controlId);
  const key = controlKey(command.control);
  if (s.controls.some((c) => controlKey(c) === key)) return [];
  return [{ type: T.EvidenceLinked, data: { evidenceId: s.evidenceId, control: command.control } }];
}

function unlink(command: UnlinkEvidence, s: Defined): EvidenceEvent[] {
  const key = controlKey(command.control);
  if (!s.controls.some((c) => controlKey(c) === key)) {
    throw new DomainRuleViolation(
      'evidence-not-linked',
      `The evidence is not linked to ${command.control.catalogueId} ${command.control.controlId}.`,
    );
  }
  if (s.controls.length === 1) {
    throw new DomainRuleViolation(
      'evidence-needs-control',
      'Evidence must support at least one control; link another control first, or withdraw it.',
    );
  }
  requireText(command.reason, 'unlink-needs-reason', 'Say why the evidence no longer supports it.');
  return [
    {
      type: T.EvidenceUnlinked,
      data: { evidenceId: s.evidenceId, control: command.control, reason: command.reason.trim() },
    },
  ];
}
