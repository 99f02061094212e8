// Jest resolves like Node's require(), with the "require" export condition. Two cases differ:
// - packages published for import only (Middy 7 has no "require" export; swc turns its ESM
//   into CommonJS like our sources) resolve with the "import" condition;
// - `npm run test:compat` installs other versions of some peers (Middy 6, the lowest Powertools
//   the peer range allows) in a folder of their own, KPL_COMPAT_PEERS: a package installed there
//   by name resolves from there, wherever it is required from.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const peers = process.env.KPL_COMPAT_PEERS;
const peerNames = new Set(
  peers
    ? Object.keys(JSON.parse(readFileSync(join(peers, 'package.json'), 'utf8')).dependencies)
    : [],
);
const importOnly = /^@middy\//;

const packageNameOf = (request) =>
  request.startsWith('@') ? request.split('/', 2).join('/') : request.split('/', 1)[0];

module.exports = (request, options) => {
  if (request.startsWith('.') || request.startsWith('/'))
    return options.defaultResolver(request, options);
  const name = packageNameOf(request);
  const basedir = peerNames.has(name) ? join(peers, 'node_modules') : options.basedir;
  const conditions = importOnly.test(name) ? ['import', 'node', 'default'] : options.conditions;
  return options.defaultResolver(request, { ...options, basedir, conditions });
};
