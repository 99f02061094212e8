// The same packages from CommonJS, as a user's require() gets them: named exports, the default
// export of @kpl-lambda/middy under `.default`, and every entry point with the names its ESM has.
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { kplDeagg } = require('@kpl-lambda/middy');
const { KplBatchProcessor } = require('@kpl-lambda/powertools');
const { processPartialResponse } = require('@aws-lambda-powertools/batch');
const { aggregatedRecord, kinesisStreamEvent, lambdaContext } = require('@kpl-lambda/core/testing');
const { dependencies } = require('./package.json');

const text = (record) => Buffer.from(record.kinesis.data, 'base64').toString('utf8');
const event = kinesisStreamEvent([
  aggregatedRecord(['a1', 'a2'].map((data) => ({ partitionKey: data, data }))),
  aggregatedRecord(['b1', 'b2'].map((data) => ({ partitionKey: data, data }))),
]);
const failedParent = event.Records[1].kinesis.sequenceNumber;
const failB2 = (records) => ({
  batchItemFailures: records
    .filter((record) => text(record) === 'b2')
    .map((record) => ({ itemIdentifier: record.kinesis.sequenceNumber })),
});

describe('require()', () => {
  it('gives kplDeagg as a named export and as .default', () => {
    const middyPackage = require('@kpl-lambda/middy');
    assert.equal(typeof kplDeagg, 'function');
    assert.equal(middyPackage.default, kplDeagg);
  });

  // Middy 7 is published for import only: CommonJS code loads it with import().
  it('runs kplDeagg in Middy loaded from CommonJS', async () => {
    const { default: middy } = await import('@middy/core');
    const handler = middy()
      .use(kplDeagg())
      .handler(async (incoming) => failB2(incoming.Records));
    const response = await handler(structuredClone(event), lambdaContext());
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: failedParent }] });
  });

  it('runs KplBatchProcessor', async () => {
    const response = await processPartialResponse(
      event,
      async (record) => {
        if (text(record) === 'b2') throw new Error('b2 fails');
      },
      new KplBatchProcessor(),
      { context: lambdaContext() },
    );
    assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: failedParent }] });
  });

  for (const name of Object.keys(dependencies).filter((name) => name.startsWith('@kpl-lambda/'))) {
    const { exports } = require(`${name}/package.json`);
    for (const subpath of Object.keys(exports).filter((subpath) => subpath !== './package.json')) {
      const entryPoint = name + subpath.slice(1);
      it(`${entryPoint} has the same exports from require() and import()`, async () => {
        const required = Object.keys(require(entryPoint)).sort();
        const imported = Object.keys(await import(entryPoint)).sort();
        assert.ok(required.length > 0);
        assert.deepEqual(required, imported);
      });
    }
  }
});
