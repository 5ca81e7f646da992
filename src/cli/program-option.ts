import { ConfigurationError } from '../config/errors.ts';
import { PROGRAM_IDS, type ProgramDefinition, programFromOption } from '../programs/registry.ts';

/**
 * The program named by `--program`, loaded (a folder given by path registers itself, so it must be loaded before a
 * target file naming it is read); undefined when the option is absent; a configuration error when it names nothing.
 */
export async function chosenProgram(option: string | undefined): Promise<ProgramDefinition | undefined> {
  if (option === undefined) return undefined;
  const chosen = await programFromOption(option).catch((error: Error) => {
    throw new ConfigurationError(error.message);
  });
  if (!chosen) throw new ConfigurationError(`unknown program '${option}' (available: ${PROGRAM_IDS.join(', ')}, or the path of a program folder)`);
  return chosen;
}
