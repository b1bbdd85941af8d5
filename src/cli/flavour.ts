// The --flavour flag of the kernel commands: a lab flavour, or a one-line usage error.
import { FLAVOURS, type Flavour } from '../lab/labTypes.ts';
import { UsageError } from './io.ts';

export const flavourOf = (v: string | undefined): Flavour => {
  const f = v ?? 'debian';
  if (!(FLAVOURS as readonly string[]).includes(f))
    throw new UsageError(`--flavour expects one of ${FLAVOURS.join(', ')}, got '${f}'`);
  return f as Flavour;
};
