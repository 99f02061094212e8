// Middy 7 with kplDeagg: user records in, failures mapped back to parents.
import kplDeagg from '@kpl-lambda/middy';
import middy from '@middy/core';

export const handler = middy()
  .use(kplDeagg())
  .handler(async (event) => ({ batchItemFailures: [], userRecords: event.Records.length }));
