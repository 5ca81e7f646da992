/**
 * CapabilityStatement: a search parameter declared with a definition must have the type of that
 * definition (the HL7 validator's validateCapabilityStatement; R4 capabilitystatement.html,
 * rest.resource.searchParam.definition: "the type ... SHALL be the same").
 */
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report, str } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

export function checkCapabilityStatement(sv: ValidatorContext, scope: ResourceScope): void {
  list(scope.resource.rest).forEach((rest, i) => {
    if (!isObject(rest)) return;
    list(rest.resource).forEach((resource, j) => {
      if (!isObject(resource)) return;
      list(resource.searchParam).forEach((param, k) => {
        if (!isObject(param)) return;
        const definition = str(param.definition);
        if (!definition) return;
        const sp = sv.registry.searchParameter(definition);
        const spType = str(sp?.type);
        if (!sp || spType === undefined) return;
        const type = str(param.type);
        if (type === spType) return;
        const versioned = typeof sp.version === 'string' ? `${String(sp.url)}|${sp.version}` : String(sp.url);
        report(
          scope,
          R.capabilitySearchParamType,
          'error',
          'invalid',
          `${scope.path}.rest[${i}].resource[${j}].searchParam[${k}]`,
          `Type mismatch - SearchParameter '${versioned}' type is ${spType}, but type here is ${type ?? '(none)'}`,
          `Tipo incorrecto: el SearchParameter '${versioned}' es de tipo ${spType}, pero aquí se declara ${type ?? '(ninguno)'}`,
        );
      });
    });
  });
}
