// Powertools batch processing with KplBatchProcessor.
import { processPartialResponse } from '@aws-lambda-powertools/batch';
import { KplBatchProcessor } from '@kpl-lambda/powertools';

const processor = new KplBatchProcessor();
const recordHandler = async () => {};
export const handler = async (event, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
