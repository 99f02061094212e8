// A processor that cannot take the records is refused before anything is read or answered: a
// misspelt processRecord used to have every record answered and checkpointed without running.
import { KplConfigurationError } from '@kpl-lambda/core';
import { type KclUserRecord, KplKclConfigurationError } from '@kpl-lambda/kcl';
import { startOn } from './helpers/startOn.js';

describe('start refuses a processor that would lose records', () => {
  it('refuses a misspelt processRecord before it reads or answers anything', async () => {
    const { error, replies, unread } = await startOn(
      { async processRecrod() {} },
      { checkpointEveryRecords: 100 },
    );

    expect(error).toBeInstanceOf(KplKclConfigurationError);
    expect(error).toBeInstanceOf(KplConfigurationError);
    expect(error).toMatchObject({
      name: 'KplKclConfigurationError',
      option: 'processor',
      message:
        'The processor has processRecrod, which the daemon never calls: did you mean processRecord?',
    });
    expect(replies).toBe('');
    expect(unread).toBeGreaterThan(0);
  });

  class Misspelt {
    async processRecrod() {}
  }
  class WithAMisspeltHook {
    async processRecord() {}
    shardEnd() {}
  }

  it.each<[string, unknown, string]>([
    ['nothing', {}, 'neither processRecord nor processRecords'],
    ['both', { processRecord() {}, processRecords() {} }, 'both processRecord and processRecords'],
    [
      'a method that is no function',
      { processRecord: true },
      'processor.processRecord must be a function, got boolean',
    ],
    [
      'a null hook',
      { processRecord() {}, leaseLost: null },
      'processor.leaseLost must be a function, got null',
    ],
    [
      'a misspelt hook',
      { processRecord() {}, shutdownRequsted() {} },
      'did you mean shutdownRequested?',
    ],
    [
      'options given as the processor',
      { processRecord() {}, checkpointEveryRecords: 100 },
      'checkpointEveryRecords, which the daemon never calls; its methods are initialize, processRecord, processRecords, leaseLost, shardEnded, shutdownRequested',
    ],
    [
      'a class instance with a misspelt processRecord',
      new Misspelt(),
      'did you mean processRecord?',
    ],
    ['a class instance with a misspelt hook', new WithAMisspeltHook(), 'did you mean shardEnded?'],
    ['a class instead of an instance', Misspelt, 'got function (a class? give an instance of it)'],
    ['null', null, 'must be an object with processRecord or processRecords, got null'],
  ])('refuses %s', async (_, processor, message) => {
    const { error, replies } = await startOn(processor);

    expect(error).toBeInstanceOf(KplKclConfigurationError);
    expect((error as Error).message).toContain(message);
    expect(replies).toBe('');
  });

  it('takes a class instance: its methods through the prototype chain, its own fields and helpers', async () => {
    class Base {
      readonly seen: string[] = [];
      async processRecord(record: KclUserRecord) {
        this.save(record);
      }
      save(record: KclUserRecord) {
        this.seen.push(Buffer.from(record.data).toString());
      }
    }
    class Orders extends Base {
      initialized = false;
      initialize() {
        this.initialized = true;
      }
    }
    const processor = new Orders();

    const { error, replies } = await startOn(processor);

    expect(error).toBeUndefined();
    expect(processor.initialized).toBe(true);
    expect(processor.seen).toHaveLength(150);
    expect(replies.trim().split('\n')).toHaveLength(2);
  });
});
