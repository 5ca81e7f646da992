import type Hapi from '@hapi/hapi';
import { simpleOutcome } from '../judges/triage-check.ts';
import { PLANNED_OUTAGE_HEADER } from '../judges/wire.ts';

/**
 * A notification endpoint that is "down" for a while answers 503 Service Unavailable (with Retry-After) rather than
 * refusing connections: the notifier's every attempt, and so its back-off, is then visible on the record even when the
 * notifier is the vendor's system and Sello only sees what arrives.
 */
export function unavailableReply(h: Hapi.ResponseToolkit): Hapi.ResponseObject {
  return (
    h
      .response(simpleOutcome('exception', 'El receptor no está disponible por ahora; reintente.', 'The receiver is unavailable for now; retry.', 'RIS-NOT-01'))
      .code(503)
      .type('application/fhir+json')
      .header('retry-after', '1')
      // Sello's own planned outage, so the wire judge does not hold it against the receiver.
      .header(PLANNED_OUTAGE_HEADER, 'true')
  );
}
