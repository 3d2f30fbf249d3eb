import type { SecurityProperty, ThreatCategory, VulnerabilityCategory } from '@isms/contracts';

export interface ThreatEntry {
  readonly code: string;
  readonly name: string;
  readonly category: ThreatCategory;
  readonly description: string;
  readonly affects: readonly SecurityProperty[];
}

export interface VulnerabilityEntry {
  readonly code: string;
  readonly name: string;
  readonly category: VulnerabilityCategory;
  readonly description: string;
}

const C: SecurityProperty = 'confidentiality';
const I: SecurityProperty = 'integrity';
const A: SecurityProperty = 'availability';

/**
 * The threats every tenant starts with: a short, general set (our own wording), in the spirit of
 * the example lists practitioners use. Tenants add their own; these cannot be changed.
 */
export const DEFAULT_THREATS: readonly ThreatEntry[] = [
  {
    code: 'TH-01',
    name: 'Fire',
    category: 'physical',
    description: 'A fire damages premises, equipment or records.',
    affects: [A, I],
  },
  {
    code: 'TH-02',
    name: 'Water damage',
    category: 'physical',
    description: 'Flooding, leaks or sprinklers damage equipment or media.',
    affects: [A, I],
  },
  {
    code: 'TH-03',
    name: 'Extreme weather or natural event',
    category: 'environmental',
    description: 'Storm, earthquake, heatwave or similar makes a site or service unusable.',
    affects: [A],
  },
  {
    code: 'TH-04',
    name: 'Loss of power or cooling',
    category: 'environmental',
    description: 'Utility outage or failed air conditioning stops equipment.',
    affects: [A],
  },
  {
    code: 'TH-05',
    name: 'Theft of equipment or media',
    category: 'deliberate',
    description: 'Laptops, phones, drives or paper files are stolen.',
    affects: [C, A],
  },
  {
    code: 'TH-06',
    name: 'Unauthorised physical entry',
    category: 'deliberate',
    description: 'Someone without permission gets into offices, server rooms or archives.',
    affects: [C, I, A],
  },
  {
    code: 'TH-07',
    name: 'Malware or ransomware',
    category: 'deliberate',
    description: 'Malicious code encrypts, destroys or exfiltrates data.',
    affects: [C, I, A],
  },
  {
    code: 'TH-08',
    name: 'Phishing and social engineering',
    category: 'deliberate',
    description: 'People are tricked into revealing credentials or making payments.',
    affects: [C, I],
  },
  {
    code: 'TH-09',
    name: 'Credential theft or misuse',
    category: 'deliberate',
    description: 'Stolen or guessed credentials are used to access systems.',
    affects: [C, I],
  },
  {
    code: 'TH-10',
    name: 'Exploitation of a software flaw',
    category: 'deliberate',
    description: 'An attacker uses a known or unknown weakness in software.',
    affects: [C, I, A],
  },
  {
    code: 'TH-11',
    name: 'Denial of service',
    category: 'deliberate',
    description: 'A service is flooded or disrupted so that users cannot reach it.',
    affects: [A],
  },
  {
    code: 'TH-12',
    name: 'Eavesdropping or interception',
    category: 'deliberate',
    description: 'Data in transit is read or altered by a third party.',
    affects: [C, I],
  },
  {
    code: 'TH-13',
    name: 'Insider misuse',
    category: 'deliberate',
    description: 'An employee or contractor abuses legitimate access.',
    affects: [C, I, A],
  },
  {
    code: 'TH-14',
    name: 'Fraud or data manipulation',
    category: 'deliberate',
    description: 'Records or transactions are altered for gain.',
    affects: [I],
  },
  {
    code: 'TH-15',
    name: 'Sabotage or vandalism',
    category: 'deliberate',
    description: 'Equipment, data or facilities are damaged on purpose.',
    affects: [I, A],
  },
  {
    code: 'TH-16',
    name: 'Operator or user error',
    category: 'accidental',
    description: 'A mistake deletes, corrupts or exposes information.',
    affects: [C, I, A],
  },
  {
    code: 'TH-17',
    name: 'Misdirected or over-shared information',
    category: 'accidental',
    description: 'Information is sent or shared with the wrong people.',
    affects: [C],
  },
  {
    code: 'TH-18',
    name: 'Loss of equipment or media',
    category: 'accidental',
    description: 'Devices or documents are lost outside the premises.',
    affects: [C, A],
  },
  {
    code: 'TH-19',
    name: 'Hardware failure',
    category: 'technical-failure',
    description: 'Servers, storage, network or end-user devices break down.',
    affects: [A, I],
  },
  {
    code: 'TH-20',
    name: 'Software malfunction',
    category: 'technical-failure',
    description: 'A defect or failed update makes software behave wrongly.',
    affects: [I, A],
  },
  {
    code: 'TH-21',
    name: 'Telecommunications outage',
    category: 'technical-failure',
    description: 'Network or internet connectivity is lost.',
    affects: [A],
  },
  {
    code: 'TH-22',
    name: 'Supplier or cloud service failure',
    category: 'organisational',
    description: 'A provider stops, degrades or mishandles a service the organisation relies on.',
    affects: [C, I, A],
  },
  {
    code: 'TH-23',
    name: 'Loss of key personnel',
    category: 'organisational',
    description: 'People with critical knowledge leave or are unavailable.',
    affects: [A],
  },
  {
    code: 'TH-24',
    name: 'Breach of legal or contractual obligations',
    category: 'organisational',
    description: 'Processing or protection falls short of laws, regulations or contracts.',
    affects: [C, I],
  },
  {
    code: 'TH-25',
    name: 'Unapproved change',
    category: 'organisational',
    description: 'Systems or processes are changed without assessment or approval.',
    affects: [I, A],
  },
];

/** The vulnerabilities every tenant starts with; tenants add their own. */
export const DEFAULT_VULNERABILITIES: readonly VulnerabilityEntry[] = [
  {
    code: 'VU-01',
    name: 'Unpatched or outdated software',
    category: 'software',
    description: 'Security updates are missing or the product is out of support.',
  },
  {
    code: 'VU-02',
    name: 'Insecure default configuration',
    category: 'software',
    description: 'Systems run with default settings, accounts or open services.',
  },
  {
    code: 'VU-03',
    name: 'Weak authentication',
    category: 'software',
    description: 'Short or reused passwords, no multi-factor authentication.',
  },
  {
    code: 'VU-04',
    name: 'Excessive access rights',
    category: 'organisation',
    description: 'People hold more privileges than their work needs, or keep them after moving on.',
  },
  {
    code: 'VU-05',
    name: 'Missing or untested backups',
    category: 'software',
    description: 'Data cannot be restored in time, or restores were never tried.',
  },
  {
    code: 'VU-06',
    name: 'Insufficient logging and monitoring',
    category: 'software',
    description: 'Events are not recorded or nobody reviews them.',
  },
  {
    code: 'VU-07',
    name: 'Unencrypted data',
    category: 'software',
    description: 'Data is stored or transmitted in clear text.',
  },
  {
    code: 'VU-08',
    name: 'Flat or unsegmented network',
    category: 'network',
    description: 'Systems of different sensitivity can reach each other freely.',
  },
  {
    code: 'VU-09',
    name: 'Exposed remote access',
    category: 'network',
    description:
      'Remote access services are reachable from the internet without strong protection.',
  },
  {
    code: 'VU-10',
    name: 'Single point of failure',
    category: 'network',
    description: 'One component, link or provider without redundancy.',
  },
  {
    code: 'VU-11',
    name: 'Ageing hardware',
    category: 'hardware',
    description: 'Equipment beyond its expected life or maintenance contract.',
  },
  {
    code: 'VU-12',
    name: 'Portable devices without protection',
    category: 'hardware',
    description: 'Laptops and phones lack encryption, screen locks or remote wipe.',
  },
  {
    code: 'VU-13',
    name: 'Uncontrolled removable media',
    category: 'hardware',
    description: 'USB drives and similar media are used without restriction.',
  },
  {
    code: 'VU-14',
    name: 'Inadequate physical access control',
    category: 'site',
    description: 'Doors, badges or visitor handling do not keep unauthorised people out.',
  },
  {
    code: 'VU-15',
    name: 'Lack of environmental protection',
    category: 'site',
    description: 'No fire detection, flood protection, UPS or climate control where needed.',
  },
  {
    code: 'VU-16',
    name: 'Insecure disposal',
    category: 'site',
    description: 'Media and paper are discarded without wiping or shredding.',
  },
  {
    code: 'VU-17',
    name: 'Lack of security awareness',
    category: 'people',
    description: 'Staff do not recognise threats or know how to report them.',
  },
  {
    code: 'VU-18',
    name: 'Undocumented knowledge held by few people',
    category: 'people',
    description: 'Critical procedures depend on individuals rather than documentation.',
  },
  {
    code: 'VU-19',
    name: 'Inadequate screening or offboarding',
    category: 'people',
    description: 'Background checks, contract terms or exit procedures are missing.',
  },
  {
    code: 'VU-20',
    name: 'Unclear roles and responsibilities',
    category: 'organisation',
    description: 'Nobody is clearly accountable for a security task.',
  },
  {
    code: 'VU-21',
    name: 'No change management',
    category: 'organisation',
    description: 'Changes are not assessed, approved, tested or recorded.',
  },
  {
    code: 'VU-22',
    name: 'Weak supplier oversight',
    category: 'organisation',
    description: 'Security requirements are missing from contracts or never checked.',
  },
  {
    code: 'VU-23',
    name: 'No tested continuity plan',
    category: 'organisation',
    description: 'Recovery plans are missing, outdated or never exercised.',
  },
  {
    code: 'VU-24',
    name: 'Missing information classification',
    category: 'organisation',
    description: 'People cannot tell how information must be handled.',
  },
  {
    code: 'VU-25',
    name: 'Insecure software development',
    category: 'software',
    description: 'No secure coding, code review or security testing before release.',
  },
];
