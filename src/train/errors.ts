/**
 * The training API's user errors, in a module of their own: the command line tells them apart from bugs
 * without loading tfjs. An invalid spec throws the front end's InvalidSpecError (src/validate/errors.ts).
 */

/** A problem with the request (no data block, no checkpoint); shown to the user without a stack trace. */
export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}
