// The monitor section: what the control-room output listens to and how solo behaves.
import { z } from 'zod';
import { booleanFlag, levelDbUpTo, numberIn, oneOf, outputChannel, strictSection } from './fields.js';

export const MonitorSchema = strictSection(
  {
    // undefined = the master, whatever it is called; resolved once the whole session is known.
    source: z.string({ error: 'the name of the bus to monitor' }).min(1).optional(),
    soloMode: oneOf(['sip', 'afl', 'pfl']).default('sip'),
    exclusiveSolo: booleanFlag.default(false),
    // Level of implicitly muted routes under solo-in-place; −inf is a plain mute (Ardour's solo-mute-gain).
    soloInFrontDb: levelDbUpTo(0).default(-Infinity),
    dimDb: numberIn(-40, 0).default(-12),
    dim: booleanFlag.default(false),
    cut: booleanFlag.default(false),
    mono: booleanFlag.default(false),
    // The monitor output is stereo (a surround source is folded down to Lo/Ro).
    outputs: z
      .array(outputChannel, { error: 'a list of 2 device output channels [left, right], or null' })
      .length(2)
      .nullable()
      .default(null),
  },
  'a mapping of monitor settings',
);
