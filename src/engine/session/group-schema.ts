// Control groups: VCAs (nestable), mute groups and route groups. Members are strip or bus names, VCA masters
// are VCA names; those references and VCA loops are resolved by cross-checks.ts.
import { z } from 'zod';
import {
  booleanFlag,
  faderDb,
  hasIssueAt,
  issue,
  nameField,
  oneOf,
  strictSection,
  uniqueNamesCheck,
} from './fields.js';

export const MAX_GROUPS = 64;

/** A list of names where each may appear once ("members", "masters"). */
function nameList(what: string) {
  return z
    .array(z.string({ error: what }).min(1), { error: `a list of names: ${what}s` })
    .check((ctx) => {
      const seen = new Map<string, number>();
      ctx.value.forEach((name, i) => {
        const first = seen.get(name);
        if (first === undefined) seen.set(name, i);
        else ctx.issues.push(issue([i], name, `a name not already listed ([${first}] is the same)`));
      });
    })
    .default([]);
}

const members = nameList('the name of a strip or bus');

/** A list of named entries whose names must be unique among themselves. */
function namedList<T extends z.ZodType<{ name: string }>>(item: T, what: string, list: string) {
  return z
    .array(item, { error: `a list of up to ${MAX_GROUPS} ${what}s` })
    .max(MAX_GROUPS)
    .check((ctx) => {
      const names = ctx.value.map((g, i) => (hasIssueAt(ctx.issues, i, 'name') ? undefined : g.name));
      ctx.issues.push(...uniqueNamesCheck(what, list, names));
    })
    .default([]);
}

export const VcaSchema = strictSection(
  {
    name: nameField,
    faderDb: faderDb.default(0),
    mute: booleanFlag.default(false),
    members,
    // VCAs this one is itself controlled by (nesting); their gains multiply into this one's.
    masters: nameList('the name of a VCA'),
  },
  'a mapping of VCA settings (name, faderDb, mute, members, masters)',
);

export const MuteGroupSchema = strictSection(
  { name: nameField, mute: booleanFlag.default(false), members },
  'a mapping of mute group settings (name, mute, members)',
);

export const RouteGroupSchema = strictSection(
  {
    name: nameField,
    // Ardour's route group sharing: gain absolute or relative (or not shared), mute, solo.
    gain: oneOf(['absolute', 'relative', 'off']).default('relative'),
    mute: booleanFlag.default(true),
    solo: booleanFlag.default(true),
    members,
  },
  'a mapping of route group settings (name, gain, mute, solo, members)',
);

export const VcasSchema = namedList(VcaSchema, 'VCA', 'vcas');
export const MuteGroupsSchema = namedList(MuteGroupSchema, 'mute group', 'muteGroups');
export const RouteGroupsSchema = namedList(RouteGroupSchema, 'route group', 'routeGroups');
