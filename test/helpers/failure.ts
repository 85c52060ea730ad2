// The error a cmdlet call throws, synchronously or as a rejection (an async implementation), checked to be a
// PodeError from the catalog: for suites whose cmdlets may answer with a promise.
import { expect } from 'chai';
import { PodeError } from '../../host/errors/error.ts';

export async function failure(fn: () => unknown): Promise<PodeError> {
  try {
    await fn();
  } catch (err) {
    expect(err).to.be.instanceOf(PodeError);
    return err as PodeError;
  }
  throw new Error('expected an error');
}
