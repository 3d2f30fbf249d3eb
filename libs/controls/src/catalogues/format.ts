import { z } from 'zod';
import {
  CONTROL_TYPES,
  CYBERSECURITY_CONCEPTS,
  OPERATIONAL_CAPABILITIES,
  SECURITY_DOMAINS,
  SECURITY_PROPERTIES,
} from '@isms/contracts';

/*
 * The documented JSON formats of control catalogues and catalogue mappings. The built-in
 * catalogues ship in exactly this format (./reference/*.json), and custom catalogues are imported in
 * it (or from an OSCAL catalog, see ./oscal.ts). Identifiers and short titles only.
 */

export const CATALOGUE_FORMAT = 'isms-ledger-catalogue/v1';
export const MAPPING_FORMAT = 'isms-ledger-mapping/v1';

const Identifier = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._()/-]*$/,
    'Use letters, digits and . _ - ( ) / only, starting with a letter or digit (e.g. 5.15 or A.9.1.1)',
  );

const ShortTitle = z.string().trim().min(1, 'A short title is required').max(300);

const nonEmptyUnique = <T extends string>(values: readonly [T, ...T[]], family: string) =>
  z
    .array(z.enum(values))
    .min(1, `Give at least one ${family} value`)
    .refine((list) => new Set(list).size === list.length, `${family} values must not repeat`);

/** The five ISO/IEC 27002:2022 attribute families (all required when attributes are given). */
export const ControlAttributesSchema = z
  .object({
    controlTypes: nonEmptyUnique(CONTROL_TYPES, 'control type'),
    securityProperties: nonEmptyUnique(SECURITY_PROPERTIES, 'information security property'),
    cybersecurityConcepts: nonEmptyUnique(CYBERSECURITY_CONCEPTS, 'cybersecurity concept'),
    operationalCapabilities: nonEmptyUnique(OPERATIONAL_CAPABILITIES, 'operational capability'),
    securityDomains: nonEmptyUnique(SECURITY_DOMAINS, 'security domain'),
  })
  .strict();

export const CatalogueControlSchema = z
  .object({
    controlId: Identifier,
    title: ShortTitle,
    groupId: Identifier,
    attributes: ControlAttributesSchema.optional(),
  })
  .strict();

export const CatalogueGroupSchema = z.object({ groupId: Identifier, title: ShortTitle }).strict();

/**
 * A catalogue file: `{ format, name, version, publisher?, notes?, groups, controls }`. Every
 * control names a declared group; identifiers are unique. `catalogueId` is kept for the built-in
 * catalogues; an imported catalogue gets an id of its own.
 */
export const CatalogueFileSchema = z
  .object({
    format: z.literal(CATALOGUE_FORMAT),
    catalogueId: Identifier.optional(),
    name: z.string().trim().min(1).max(200),
    version: z.string().trim().min(1).max(50),
    publisher: z.string().trim().min(1).max(200).optional(),
    notes: z.array(z.string().max(2000)).max(50).optional(),
    groups: z.array(CatalogueGroupSchema).min(1).max(200),
    controls: z.array(CatalogueControlSchema).min(1).max(2000),
  })
  .strict()
  .superRefine((file, ctx) => {
    const groups = new Set<string>();
    file.groups.forEach((group, index) => {
      if (groups.has(group.groupId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['groups', index, 'groupId'],
          message: `Group ${group.groupId} is declared twice`,
        });
      }
      groups.add(group.groupId);
    });
    const controls = new Set<string>();
    file.controls.forEach((control, index) => {
      if (controls.has(control.controlId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['controls', index, 'controlId'],
          message: `Control ${control.controlId} appears twice; identifiers must be unique`,
        });
      }
      controls.add(control.controlId);
      if (!groups.has(control.groupId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['controls', index, 'groupId'],
          message: `Group ${control.groupId} is not declared in groups`,
        });
      }
    });
  });
export type CatalogueFile = z.infer<typeof CatalogueFileSchema>;

/** A mapping file: each control of the source catalogue → the target controls it became. */
export const MappingFileSchema = z
  .object({
    format: z.literal(MAPPING_FORMAT),
    mappingId: Identifier,
    fromCatalogueId: Identifier,
    toCatalogueId: Identifier,
    notes: z.array(z.string().max(2000)).max(50).optional(),
    entries: z
      .array(z.object({ from: Identifier, to: z.array(Identifier).min(1) }).strict())
      .min(1),
  })
  .strict();
export type MappingFile = z.infer<typeof MappingFileSchema>;
