/**
 * The state one validation carries: the run, the resource being walked and the items of an element.
 */
import type { Finding } from '../../findings/finding.ts';
import type { InvariantEvaluator, TerminologyService } from '../contracts.ts';
import type { BundleIndex } from './bundle.ts';
import type { CElement, CType } from './compile.ts';

export interface StructuralValidatorOptions {
  terminology?: TerminologyService;
  invariants?: InvariantEvaluator;
  /** Report strings that carry HTML markup (off by default, as in the HL7 validator). */
  securityChecks?: boolean;
  /** Report absent must-support elements of profiles as information (default true). */
  mustSupport?: boolean;
  /** References that do not resolve locally must resolve (src/fhir/index.ts FhirValidatorOptions). */
  validateReferences?: boolean;
  /** 'reject': example.org / acme.com URLs and extensions are errors (default 'allow'). */
  exampleUrls?: 'allow' | 'reject';
  /** Canonical URL → resource type of what the loaded IGs define beyond the registry's types (Questionnaire, Library …). */
  knownCanonicals?: ReadonlyMap<string, string>;
  /** Resource type → profiles every resource of that type is validated against (ImplementationGuide.global of the IGs). */
  globalProfiles?: ReadonlyMap<string, string[]>;
  /** Canonical URL → Questionnaire of the loaded IGs, for QuestionnaireResponses that name one (questionnaire/). */
  questionnaires?: ReadonlyMap<string, Record<string, unknown>>;
}

export interface ValidateOptions {
  /** Extra profile (canonical URL) to validate against, besides the base definition and meta.profile. */
  profile?: string;
}

export interface Item {
  value: unknown;
  ext: unknown;
  type: CType | undefined;
  path: string;
}

export interface Run {
  findings: Finding[];
  rootResource: unknown;
  /** Profile conformance already decided for a node (slices by profile ask it repeatedly). */
  conformance?: WeakMap<object, Map<string, boolean>>;
}

export interface ResourceScope {
  resource: Record<string, unknown>;
  /** The outermost resource (%rootResource). */
  rootResource: unknown;
  type: string;
  path: string;
  run: Run;
  parent: ResourceScope | undefined;
  /** Strings starting with '#' seen in the resource and its contained resources (dom-3). */
  hashRefs: Set<string>;
  /** Contained resources that refer to their container with '#'. */
  selfRefs: Set<unknown>;
  elementIds: Map<string, string>;
  /** The Bundle the resource is an entry of (or is inside of), for reference resolution. */
  bundle: BundleIndex | undefined;
  fullUrl: string | undefined;
  /** The index of this resource's own entries when it is a Bundle. */
  ownBundle: BundleIndex | undefined;
  containedIds: Set<string> | undefined;
  baseWalk: boolean;
  /** A contained resource: its narrative is its container's (dom-6 does not apply). */
  contained: boolean;
}

export interface Container {
  host: CElement;
  /** Root element of the type's definition, whose invariants apply to every value of the type. */
  typeRoot: CElement | undefined;
}

export interface SliceTest {
  slice: CElement;
  tests: ((item: Item, scope: ResourceScope) => boolean)[];
}
