// Reads template.yaml with its CloudFormation tags (!Ref, !GetAtt, ...) as plain objects
// ({ Ref: ... }, { 'Fn::GetAtt': [...] }), for the demo and the tests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const intrinsic = (tag, name, split) => [
  {
    tag: `!${tag}`,
    resolve: (value) => ({ [name]: split && typeof value === 'string' ? value.split('.') : value }),
  },
  { tag: `!${tag}`, collection: 'seq', resolve: (value) => ({ [name]: value.toJSON() }) },
  { tag: `!${tag}`, collection: 'map', resolve: (value) => ({ [name]: value.toJSON() }) },
];

const customTags = [
  ...intrinsic('Ref', 'Ref'),
  ...intrinsic('GetAtt', 'Fn::GetAtt', true),
  ...[
    'Sub',
    'Join',
    'Select',
    'Split',
    'If',
    'Equals',
    'Not',
    'And',
    'Or',
    'FindInMap',
    'GetAZs',
    'ImportValue',
    'Base64',
  ].flatMap((name) => intrinsic(name, `Fn::${name}`)),
  ...intrinsic('Condition', 'Condition'),
];

export const templatePath = new URL('../template.yaml', import.meta.url);

/** The SAM template as an object: this application's, or another (the one `sam build` writes). */
export function readTemplate(path = templatePath) {
  return parse(readFileSync(path, 'utf8'), { customTags });
}
