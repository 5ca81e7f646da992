/**
 * The FHIR options of `sello validate`: `--ig PATH` (repeatable: implementation guides and supporting material),
 * `--validate-references` and `--examples allow|reject`, turned into FhirValidatorOptions. A user's IG that
 * cannot be used is the invocation's fault: a ConfigurationError (exit 4) naming the file.
 */
import { type Command, Option } from 'commander';
import { ConfigurationError } from '../config/errors.ts';
import type { FhirValidator, FhirValidatorOptions } from '../fhir/index.ts';

export interface FhirCliOptions {
  ig?: string[];
  'validate-references'?: boolean;
  examples?: string;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addFhirOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--ig <path>', 'FHIR: extra profiles and supporting material — a JSON file, a folder of them, a FHIR package folder or package .tgz (repeatable; later wins)').argParser(collect),
    )
    .option('--validate-references', 'FHIR: references that do not resolve inside the resource, its Bundle or Parameters are errors, canonicals must name a known resource of the right type')
    .addOption(new Option('--examples <policy>', 'FHIR: example.org / acme.com URLs and extensions — allow (spec mode) or reject').choices(['allow', 'reject']));
}

export function fhirValidatorOptions(options: FhirCliOptions): Pick<FhirValidatorOptions, 'igs' | 'validateReferences' | 'exampleUrls'> {
  return {
    ...(options.ig?.length ? { igs: options.ig } : {}),
    ...(options['validate-references'] ? { validateReferences: true } : {}),
    ...(options.examples === 'allow' || options.examples === 'reject' ? { exampleUrls: options.examples } : {}),
  };
}

/** createFhirValidator with the programs' profile folders and the command's FHIR options. */
export async function createCliFhirValidator(profileDirs: string[], options: FhirCliOptions): Promise<FhirValidator> {
  const { createFhirValidator, IgLoadError } = await import('../fhir/index.ts');
  try {
    return createFhirValidator({ profileDirs, ...fhirValidatorOptions(options) });
  } catch (error) {
    if (error instanceof IgLoadError) throw new ConfigurationError(`--ig: ${error.message}`);
    throw error;
  }
}
