import { CBV } from '../../epcis/event-hash.js';

/**
 * Business steps: CBV 2.0's (as their web URIs, the form the event hash uses) and Gongzhi's own
 * for what CBV does not name (harvesting, pan-firing, processing), and which participant kind may
 * record which by default. A participant's own list, set by the trace admin, is what the rule uses.
 */

/** Gongzhi's business-step URIs (EPCIS allows any URI outside the CBV namespaces). */
export const GZ_BIZSTEP = 'urn:gongzhi:bizstep:';

/** The CBV 2.0 bizStep terms (the EPCIS 2.0 JSON Schema's list). */
export const CBV_BIZSTEPS: readonly string[] = [
  'accepting',
  'arriving',
  'assembling',
  'collecting',
  'commissioning',
  'consigning',
  'creating_class_instance',
  'cycle_counting',
  'decommissioning',
  'departing',
  'destroying',
  'disassembling',
  'dispensing',
  'encoding',
  'entering_exiting',
  'holding',
  'inspecting',
  'installing',
  'killing',
  'loading',
  'other',
  'packing',
  'picking',
  'receiving',
  'removing',
  'repackaging',
  'repairing',
  'replacing',
  'reserving',
  'retail_selling',
  'shipping',
  'staging_outbound',
  'stock_taking',
  'stocking',
  'storing',
  'transporting',
  'unloading',
  'unpacking',
  'void_shipping',
  'sensor_reporting',
  'sampling',
];

/** Gongzhi's own steps. */
export const GZ_BIZSTEPS: readonly string[] = ['harvesting', 'pan_firing', 'transforming'];

/** The participant kinds. */
export const PARTICIPANT_KINDS = ['garden', 'factory', 'packer', 'logistics', 'retailer', 'other'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];

/** Default bizSteps of each kind (bare terms; `gz:` = Gongzhi's). */
const DEFAULTS: Readonly<Record<ParticipantKind, readonly string[]>> = {
  // Each holder ships what it holds and receives what is shipped to it (custody.ts).
  garden: ['commissioning', 'gz:harvesting', 'inspecting', 'sensor_reporting', 'shipping'],
  factory: ['gz:pan_firing', 'gz:transforming', 'inspecting', 'receiving', 'shipping'],
  packer: ['commissioning', 'packing', 'unpacking', 'receiving', 'shipping'],
  logistics: [
    'shipping',
    'receiving',
    'transporting',
    'departing',
    'arriving',
    'loading',
    'unloading',
    'void_shipping',
  ],
  retailer: ['receiving', 'stocking', 'unpacking', 'retail_selling'],
  other: [],
};

/** The canonical URI of a bizStep term (`shipping`, `gz:pan_firing`) or URI; undefined if unknown. */
export function bizStepUri(term: string): string | undefined {
  if (term.startsWith('gz:')) {
    const t = term.slice(3);
    return GZ_BIZSTEPS.includes(t) ? `${GZ_BIZSTEP}${t}` : undefined;
  }
  if (term.startsWith('urn:epcglobal:cbv:bizstep:'))
    return bizStepUri(term.slice('urn:epcglobal:cbv:bizstep:'.length));
  if (term.includes(':')) return /^[a-zA-Z][a-zA-Z0-9+.-]*:\S{1,240}$/.test(term) ? term : undefined;
  return CBV_BIZSTEPS.includes(term) ? `${CBV}BizStep-${term}` : undefined;
}

/** The default bizStep URIs of a participant kind. */
export function defaultBizSteps(kind: ParticipantKind): string[] {
  return DEFAULTS[kind].map((t) => bizStepUri(t) as string);
}

/** The bizStep URI of a CBV term (for the rules: commissioning, retail_selling…). */
export const cbvStep = (term: string): string => `${CBV}BizStep-${term}`;
