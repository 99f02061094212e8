// Every options object of the package is checked where it is given: a misspelt or unknown key is
// refused with the closest known one, never run with a default.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  createCheckpointTable,
  DynamoDBCheckpointStore,
  InMemoryCheckpointStore,
  KplCheckpointsConfigurationError,
} from '@kpl-lambda/checkpoints';

const client = new DynamoDBClient({ region: 'us-east-1' });
const store = { client, tableName: 't', consumerName: 'c' };

describe('DynamoDBCheckpointStore options', () => {
  it('takes the consumer name from AWS_LAMBDA_FUNCTION_NAME, and refuses to guess without it', () => {
    const saved = process.env.AWS_LAMBDA_FUNCTION_NAME;
    try {
      process.env.AWS_LAMBDA_FUNCTION_NAME = 'orders-consumer';
      expect(() => new DynamoDBCheckpointStore({ client, tableName: 't' })).not.toThrow();
      delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      expect(() => new DynamoDBCheckpointStore({ client, tableName: 't' })).toThrow(
        expect.objectContaining({ option: 'consumerName' }),
      );
    } finally {
      if (saved === undefined) delete process.env.AWS_LAMBDA_FUNCTION_NAME;
      else process.env.AWS_LAMBDA_FUNCTION_NAME = saved;
    }
  });

  it.each([
    ['client', { tableName: 't', consumerName: 'c' }],
    ['tableName', { ...store, tableName: '' }],
    ['ttlSeconds', { ...store, ttlSeconds: 0 }],
    ['ttlSecs', { ...store, ttlSecs: 60 }],
    ['table', { ...store, table: 't' }],
  ])('refuses %s', (option, options) => {
    expect(() => new DynamoDBCheckpointStore(options as never)).toThrow(
      KplCheckpointsConfigurationError,
    );
    expect(() => new DynamoDBCheckpointStore(options as never)).toThrow(
      expect.objectContaining({ option }),
    );
  });

  it('names the option a misspelt one was meant to be', () => {
    expect(() => new DynamoDBCheckpointStore({ ...store, consumername: 'c' } as never)).toThrow(
      'Unknown option consumername: did you mean consumerName?',
    );
  });
});

describe('InMemoryCheckpointStore options', () => {
  it('refuses an unknown option, and a consumer name that is not a string', () => {
    expect(() => new InMemoryCheckpointStore({ consumer: 'c' } as never)).toThrow(
      expect.objectContaining({
        name: 'KplCheckpointsConfigurationError',
        option: 'consumer',
        message: 'Unknown option consumer: did you mean consumerName?',
      }),
    );
    expect(() => new InMemoryCheckpointStore({ consumerName: 7 } as never)).toThrow(
      expect.objectContaining({ option: 'consumerName' }),
    );
    expect(() => new InMemoryCheckpointStore()).not.toThrow();
  });
});

describe('createCheckpointTable options', () => {
  it.each([
    ['ttl', { client, tableName: 'cp', ttl: false }],
    ['timeToLive', { client, tableName: 'cp', timeToLive: 'no' }],
    ['client', { client: {}, tableName: 'cp' }],
    ['tableName', { client, tableName: 7 }],
  ])('refuses %s before any request', async (option, options) => {
    await expect(createCheckpointTable(options as never)).rejects.toThrow(
      expect.objectContaining({ name: 'KplCheckpointsConfigurationError', option }),
    );
  });
});
