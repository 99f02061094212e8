import type { ZodType } from 'zod';
import type { BatchProcessorConfig } from '../types.js';
import { KinesisUserRecordPayloadSchema, KinesisUserRecordSchema } from './index.js';

type StandardSchema = NonNullable<BatchProcessorConfig['innerSchema']>;

/**
 * The user record schema whose `data` is `innerSchema` behind the transformer, as Powertools
 * builds it for plain Kinesis records.
 */
export async function userRecordSchemaWith(
  innerSchema: StandardSchema,
  transformer: 'json' | 'base64' | 'unmarshall' | undefined,
): Promise<StandardSchema> {
  let data = innerSchema as unknown as ZodType;
  if (transformer === 'json') {
    const { JSONStringified } = await import('@aws-lambda-powertools/parser/helpers');
    data = JSONStringified(data);
  } else if (transformer === 'base64') {
    const { Base64Encoded } = await import('@aws-lambda-powertools/parser/helpers');
    data = Base64Encoded(data);
  } else if (transformer === 'unmarshall') {
    const { DynamoDBMarshalled } = await import('@aws-lambda-powertools/parser/helpers/dynamodb');
    data = DynamoDBMarshalled(data);
  }
  return KinesisUserRecordSchema.extend({
    kinesis: KinesisUserRecordPayloadSchema.extend({ data }),
  });
}
